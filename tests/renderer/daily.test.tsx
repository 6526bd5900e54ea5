// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentRow, SendJobView } from '../../core/api';
import { documentStatusOf } from '../../core/documents/documentStatus';
import { App } from '../../renderer/App';
import { SendSummary } from '../../renderer/components/SendSummary';
import { StatusBar } from '../../renderer/components/StatusBar';
import { DocumentsScreen } from '../../renderer/screens/DocumentsScreen';
import { rowsDuringJob, useDocuments } from '../../renderer/store/documents';
import { useSession } from '../../renderer/store/session';
import { SESSION, fakeBridge } from './fakeBridge';

const row = (i: number, state: DocumentRow['state'], extra: Partial<DocumentRow> = {}): DocumentRow => ({
  key: String(i),
  erpNumber: `SAT${i}`,
  issueDate: '2026-03-01',
  customer: `Müşteri ${i}`,
  customerTaxId: '1234567890',
  total: '53446.26',
  taxInclusive: '56000.00',
  currency: 'TRY',
  state,
  status: documentStatusOf(state),
  resendable: state === 'failed',
  ...(state !== 'unsent' ? { ettn: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } : {}),
  ...extra,
});
const counts = (c: Partial<SendJobView['counts']>): SendJobView['counts'] => ({ unsent: 0, inProgress: 0, delivered: 0, accepted: 0, rejected: 0, failed: 0, invalid: 0, ...c });
const sized = (el: HTMLElement, prop: 'clientHeight' | 'clientWidth') => (el.classList?.contains('doc-scroll') ? (prop === 'clientHeight' ? 400 : 1000) : 0);

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientHeight'); } });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientWidth'); } });
});

describe('counts that tell the truth', () => {
  afterEach(cleanup);

  it('says how many went, failed and were invalid, never N/N, and links to the failed ones', () => {
    const onShow = vi.fn();
    const job: SendJobView = { jobId: 'j', state: 'done', total: 3, done: 3, counts: counts({ delivered: 1, failed: 1, invalid: 1 }), documents: [] };
    render(<SendSummary job={job} onShow={onShow} />);
    const text = screen.getByTestId('send-summary').textContent!;
    expect(text).toContain('Gönderim tamamlandı');
    expect(text).toContain('3 belgeden');
    expect(text).toContain('1 teslim edildi');
    expect(text).not.toContain('3/3');
    fireEvent.click(screen.getByRole('button', { name: '1 hatalı' }));
    expect(onShow).toHaveBeenCalledWith('failed');
    fireEvent.click(screen.getByRole('button', { name: '1 geçersiz' }));
    expect(onShow).toHaveBeenCalledWith('invalid');
  });

  it('shows "İşlemde" on the rows of a running send', () => {
    const job: SendJobView = { jobId: 'j', state: 'running', total: 1, done: 0, counts: counts({ inProgress: 1 }), documents: [{ key: '1', erpNumber: '', state: 'unsent', status: 'inProgress' }] };
    const rows = rowsDuringJob([row(1, 'unsent'), row(2, 'unsent')], job);
    expect(rows.map((r) => r.status)).toEqual(['inProgress', 'unsent']);
    expect(rowsDuringJob(rows, { ...job, state: 'done' })).toEqual(rows);
  });
});

describe('the status bar', () => {
  afterEach(cleanup);

  it('names the program and the company and warns under the user’s kontör level', () => {
    useSession.setState({ session: { ...SESSION, connectorTitle: 'Logo Tiger / Go', companyName: 'Anadolu Gıda' } as never, kontor: 40, kontorThreshold: 100 });
    render(<StatusBar />);
    expect(screen.getByTestId('bar-program').textContent).toContain('Logo Tiger / Go');
    expect(screen.getByTestId('bar-program').textContent).not.toContain('logo ');
    expect(screen.getByTestId('bar-company').textContent).toContain('Anadolu Gıda');
    expect(screen.getByTestId('kontor-warning').textContent).toContain('Kontör azaldı');
    cleanup();
    useSession.setState({ kontor: 12500, kontorThreshold: 100 });
    render(<StatusBar />);
    expect(screen.getByTestId('kontor').textContent).toContain('12.500');
    expect(screen.queryByTestId('kontor-warning')).toBeNull();
  });
});

describe('daily comforts on the document screen', () => {
  beforeEach(() => {
    useDocuments.getState().reset();
    useSession.setState({ session: { ...SESSION, connectorTitle: 'Logo Tiger / Go' } as never, screen: 'documents' });
  });
  afterEach(cleanup);

  it('enables preview by the tick box, shows a loading line until the first preview arrives, and offers print', async () => {
    let answer: (v: unknown) => void = () => undefined;
    fakeBridge({
      'session.documents': () => [row(1, 'delivered'), row(2, 'unsent')],
      'session.preview': () => new Promise((r) => (answer = r)),
    });
    render(<DocumentsScreen />);
    const preview = (await screen.findByRole('button', { name: 'Önizle' })) as HTMLButtonElement;
    await screen.findByText('SAT1');
    expect(preview.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText('SAT1 seç'));
    expect(preview.disabled).toBe(false);
    fireEvent.click(preview);
    expect(await screen.findByTestId('preview-loading')).toBeTruthy();
    await act(async () => answer({ html: '<p>Fatura</p>' }));
    await waitFor(() => expect(screen.queryByTestId('preview-loading')).toBeNull());
    expect(screen.getByRole('button', { name: 'Yazdır' })).toBeTruthy();
    expect(document.querySelector('iframe.preview')!.getAttribute('sandbox')).not.toContain('allow-scripts');
  });

  it('explains a rejected document in plain words and keeps both amounts in the detail', async () => {
    fakeBridge({ 'session.documents': () => [row(1, 'rejected', { gibCode: '1220', message: 'ALICI TARAFINDAN REDDEDİLDİ' })] });
    render(<DocumentsScreen />);
    fireEvent.click(await screen.findByText('SAT1'));
    expect(screen.getByTestId('status-hint').textContent).toContain('alıcı bu ticari faturayı kabul etmedi');
    expect(screen.getByTestId('detail-payable').textContent).toBe('53.446,26 TL');
    expect(screen.getByTestId('detail-tax-inclusive').textContent).toBe('56.000,00 TL');
  });

  it('shows a müstahsil makbuzu’s net as its amount payable, and the gross and each deduction in the detail', async () => {
    const receipt = row(1, 'delivered', {
      erpNumber: 'MM1',
      customer: 'Hasan Çiftçi',
      total: '95000.00',
      net: '92910.00',
      deductions: [
        { code: '0003', name: 'GV STOPAJI', percent: '2', amount: '1900.00' },
        { code: '8001', name: 'BORSA TESCİL ÜCRETİ', percent: '0.2', amount: '190.00' },
      ],
    });
    delete receipt.taxInclusive;
    fakeBridge({ 'session.documents': () => [receipt] });
    render(<DocumentsScreen />);
    fireEvent.click(await screen.findByText('MM1'));
    expect(screen.getByTestId('row-amount').textContent).toBe('92.910,00 TL');
    expect(screen.getByTestId('row-amount').getAttribute('title')).toBe('GV STOPAJI %2: 1.900,00 TL\nBORSA TESCİL ÜCRETİ %0.2: 190,00 TL');
    expect(screen.getByTestId('detail-gross').textContent).toBe('95.000,00 TL');
    expect(screen.getAllByTestId('detail-deduction').map((d) => d.textContent)).toEqual(['1.900,00 TL', '190,00 TL']);
    expect(screen.getByTestId('detail-payable').textContent).toBe('92.910,00 TL');
    expect(screen.queryByTestId('detail-tax-inclusive')).toBeNull();
  });

  it('lists an invalid document’s problems in its preview', async () => {
    fakeBridge({
      'session.documents': () => [row(1, 'invalid', { message: 'Satırda negatif miktar' })],
      'session.preview': () => ({ problems: [{ source: 'precheck', rule: 'NEGATIVE_QUANTITY', message: 'Satış faturasında negatif miktar olamaz.' }] }),
    });
    render(<DocumentsScreen />);
    fireEvent.click(await screen.findByText('SAT1'));
    expect((screen.getByRole('button', { name: /^Gönder/ }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Önizle' }));
    expect((await screen.findByTestId('preview-problems')).textContent).toContain('negatif miktar');
  });
});

describe('first start', () => {
  afterEach(cleanup);

  it('shows the start-up steps until Konnektör is ready, then the login', async () => {
    useSession.setState({ session: undefined, screen: 'login' });
    let ready = false;
    fakeBridge({
      'app.startup': () =>
        ready
          ? { ready: true, elapsedMs: 0, steps: [] }
          : { ready: false, elapsedMs: 42_000, steps: [{ id: 'compile:ab', text: 'GİB şematron kuralları derleniyor', state: 'started', ms: 40_000 }] },
      'session.defaults': () => ({ module: 'efatura', modules: [], connectors: [], prefill: { connector: '', server: '' }, pdf: false }),
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId('startup').textContent).toContain('GİB şematron kuralları derleniyor (40 sn)'));
    ready = true;
    await waitFor(() => expect(screen.queryByTestId('startup')).toBeNull(), { timeout: 3000 });
    expect(screen.getByRole('button', { name: 'Giriş' })).toBeTruthy();
  });
});
