// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentRow } from '../../core/api';
import { documentStatusOf } from '../../core/documents/documentStatus';
import { DocumentTable } from '../../renderer/components/DocumentTable';
import { useDocuments } from '../../renderer/store/documents';
import { fakeBridge } from './fakeBridge';

const row = (i: number, state: DocumentRow['state'] = 'unsent'): DocumentRow => ({
  key: String(i),
  erpNumber: `SAT2026${String(i).padStart(7, '0')}`,
  issueDate: '2026-03-01',
  customer: `Müşteri ${i}`,
  customerTaxId: '1234567890',
  total: '100.00',
  currency: 'TRY',
  state,
  status: documentStatusOf(state),
  resendable: state === 'failed',
  ...(state !== 'unsent' ? { ettn: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } : {}),
});

// jsdom lays nothing out: give the scrolling area the size a window would.
const sized = (el: HTMLElement, prop: 'clientHeight' | 'clientWidth') => (el.classList?.contains('doc-scroll') ? (prop === 'clientHeight' ? 400 : 1000) : 0);
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientHeight'); } });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientWidth'); } });
});

describe('document list', () => {
  afterEach(cleanup);

  it('renders only the rows in view of 10,000 and the rest as the user scrolls', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(i + 1));
    render(<DocumentTable rows={rows} selected={new Set(['1'])} onToggle={() => undefined} onFocus={() => undefined} height={400} />);
    const rendered = document.querySelectorAll('.doc-scroll [role="row"]');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(60);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('10001');
    const scroller = screen.getByTestId('doc-scroll');
    scroller.scrollTop = 34 * 9000;
    fireEvent.scroll(scroller);
    expect(document.querySelector('[data-key="9001"]')).not.toBeNull();
    expect(document.querySelector('[data-key="1"]')).toBeNull();
  });

  it('shows each state in Turkish with the GİB code and message', () => {
    render(
      <DocumentTable
        rows={[{ ...row(1, 'rejected'), gibCode: '1220', message: 'ALICI TARAFINDAN REDDEDİLDİ' }]}
        selected={new Set()}
        onToggle={() => undefined}
        onFocus={() => undefined}
      />,
    );
    expect(screen.getByText('Reddedildi')).toBeTruthy();
    expect(screen.getByText('1220 — ALICI TARAFINDAN REDDEDİLDİ')).toBeTruthy();
  });
});

describe('documents store', () => {
  beforeEach(() => useDocuments.getState().reset());

  it('sends only the selected unsent documents, follows the job to the end and reloads the list', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let polls = 0;
    const bridge = fakeBridge({
      'session.documents': () => [row(1), row(2), row(3, 'delivered'), row(4)],
      'session.send': (i: { keys: string[] }) => ({ jobId: 'j1', total: i.keys.length }),
      'session.job': () => {
        polls += 1;
        return polls < 3 ? { jobId: 'j1', state: 'running', total: 2, done: polls - 1, documents: [] } : { jobId: 'j1', state: 'done', total: 2, done: 2, documents: [] };
      },
    });
    const s = useDocuments.getState();
    await s.load('sess-1');
    s.toggle('1');
    s.toggle('3');
    s.toggle('4');
    const sending = useDocuments.getState().send('sess-1');
    await vi.advanceTimersByTimeAsync(3000);
    await sending;
    vi.useRealTimers();
    expect(bridge.of('session.send')[0]!.input).toEqual({ sessionId: 'sess-1', keys: ['1', '4'] });
    expect(useDocuments.getState().job).toMatchObject({ state: 'done', done: 2, total: 2 });
    expect(bridge.of('session.documents')).toHaveLength(2);
    expect(useDocuments.getState().selected.size).toBe(0);
  });

  it('passes the filters to the API and keeps the error of a bad date', async () => {
    const bridge = fakeBridge({
      'session.documents': () => {
        throw Object.assign(new Error('Tarih geçersiz; YYYY-AA-GG biçiminde girin.'), { code: 'ERP_DATE_INVALID' });
      },
    });
    useDocuments.getState().setFilters({ from: '2026-13-01', customer: ' Ege ', status: 'failed' });
    await useDocuments.getState().load('sess-1');
    expect(bridge.of('session.documents')[0]!.input).toEqual({ sessionId: 'sess-1', from: '2026-13-01', status: 'failed', customer: 'Ege' });
    expect(useDocuments.getState().error).toEqual({ code: 'ERP_DATE_INVALID', message: 'Tarih geçersiz; YYYY-AA-GG biçiminde girin.' });
  });
});
