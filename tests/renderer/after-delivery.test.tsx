// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DocumentRow } from '../../core/api';
import { AfterDelivery } from '../../renderer/screens/DocumentsScreen';
import { apiError, fakeBridge } from './fakeBridge';

const ETTN = '00000000-0000-4000-8000-000000000042';
const row = (over: Partial<DocumentRow> = {}): DocumentRow => ({
  key: '42',
  erpNumber: 'EAR2026000000042',
  issueDate: '2026-03-10',
  state: 'delivered',
  status: 'delivered',
  resendable: false,
  ettn: ETTN,
  reportable: true,
  cancellableUntil: '2026-03-18',
  ...over,
});

describe('e-Arşiv after delivery on the document screen', () => {
  afterEach(cleanup);

  it('shows the report status asked on demand and cancels with the reason typed', async () => {
    const bridge = fakeBridge({
      'session.reportStatus': () => ({ ettn: ETTN, state: 'delivered', reported: false, cancellableUntil: '2026-03-18' }),
      'session.cancel': () => ({ ettn: ETTN, state: 'cancelled', reason: 'Yanlış tutar' }),
    });
    const changed = vi.fn();
    render(<AfterDelivery row={row()} sessionId="s1" onChanged={changed} />);
    fireEvent.click(screen.getByRole('button', { name: 'Rapor durumu' }));
    expect((await screen.findByTestId('report-status')).textContent).toContain('Henüz rapora girmedi');
    fireEvent.click(screen.getByRole('button', { name: 'İptal et' }));
    fireEvent.change(screen.getByLabelText('İptal nedeni'), { target: { value: 'Yanlış tutar' } });
    fireEvent.click(screen.getByRole('button', { name: 'İptali onayla' }));
    await waitFor(() => expect(changed).toHaveBeenCalled());
    expect(bridge.of('session.cancel')[0]!.input).toEqual({ sessionId: 's1', ettn: ETTN, reason: 'Yanlış tutar' });
    expect(screen.getByText('Belge iptal edildi.')).toBeTruthy();
  });

  it('shows the refusal of an invoice already in a report in Turkish, with its code', async () => {
    fakeBridge({
      'session.cancel': () => {
        throw apiError('CANCEL_ALREADY_REPORTED', 'Bu fatura GİB’e gönderilen e-Arşiv raporuna girmiş; artık Konnektör’den iptal edilemez.');
      },
    });
    const changed = vi.fn();
    render(<AfterDelivery row={row()} sessionId="s1" onChanged={changed} />);
    fireEvent.click(screen.getByRole('button', { name: 'İptal et' }));
    fireEvent.change(screen.getByLabelText('İptal nedeni'), { target: { value: 'İade' } });
    fireEvent.click(screen.getByRole('button', { name: 'İptali onayla' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('raporuna girmiş');
    expect(alert.getAttribute('data-code')).toBe('CANCEL_ALREADY_REPORTED');
    expect(changed).not.toHaveBeenCalled();
  });

  it('offers a new number and ETTN for the integrator’s processing error only on the user’s click', async () => {
    const bridge = fakeBridge({ 'session.renumber': () => ({ erpNumber: 'SAT7', oldEttn: ETTN, newEttn: '00000000-0000-4000-8000-000000000043', jobId: 'j', total: 1 }) });
    const changed = vi.fn();
    render(<AfterDelivery row={row({ state: 'failed', status: 'failed', reportable: undefined, cancellableUntil: undefined, renumberable: true, gibCode: 'DURUM_2' })} sessionId="s1" onChanged={changed} />);
    expect(bridge.of('session.renumber')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Yeni numara ve ETTN ile gönder' }));
    await waitFor(() => expect(bridge.of('session.renumber')).toHaveLength(1));
    expect(bridge.of('session.renumber')[0]!.input).toEqual({ sessionId: 's1', ettn: ETTN });
  });
});
