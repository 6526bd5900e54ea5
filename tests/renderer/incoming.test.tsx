// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRow } from '../../core/api';
import { translate } from '../../renderer/i18n';
import { IncomingScreen, countdown } from '../../renderer/screens/IncomingScreen';
import { useIncoming } from '../../renderer/store/incoming';
import { useSession } from '../../renderer/store/session';
import { App } from '../../renderer/App';
import { SESSION, apiError, fakeBridge } from './fakeBridge';

const HOUR = 3_600_000;
const ettnOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

const doc = (i: number, extra: Partial<IncomingRow> = {}): IncomingRow => ({
  ettn: ettnOf(i),
  number: `ABC2026${String(i).padStart(9, '0')}`,
  senderVkn: '1234567801',
  senderName: 'Ege Tekstil A.Ş.',
  profile: 'TICARIFATURA',
  issueDate: '2026-11-30',
  payable: '53446.26',
  currency: 'TRY',
  arrivedAt: '2026-11-30T09:00:00.000Z',
  state: 'received',
  answerable: true,
  answerDeadline: inHours(5 * 24 + 3.5),
  valid: true,
  problems: [],
  ...extra,
});

const t = (k: Parameters<typeof translate>[1]) => translate('tr', k);
const rowOf = (i: number) => document.querySelector(`tr[data-ettn="${ettnOf(i)}"]`) as HTMLElement;

beforeEach(() => {
  useIncoming.getState().reset();
  useSession.setState({ session: { ...SESSION, companyVkn: '1111111111', incomingKinds: [{ id: 'efatura-gelen', labels: { tr: 'Gelen e-Fatura', en: 'Incoming e-Invoice' } }] } as never, screen: 'incoming' });
});
afterEach(cleanup);

describe('countdown of the answer window', () => {
  it('counts days and hours, then hours and minutes, then says the time is over', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(countdown(new Date(now + 5 * 24 * HOUR + 3 * HOUR + 59 * 60_000).toISOString(), now, t)).toEqual({ text: '5 gün 3 saat kaldı', urgent: false, over: false });
    expect(countdown(new Date(now + 7 * HOUR + 20 * 60_000).toISOString(), now, t)).toEqual({ text: '7 saat 20 dakika kaldı', urgent: true, over: false });
    expect(countdown(new Date(now - 1).toISOString(), now, t)).toMatchObject({ text: 'Süre doldu', over: true });
  });
});

describe('Gelen Belgeler', () => {
  it('is offered as a tab only for a module that receives documents', async () => {
    fakeBridge({ 'app.startup': () => ({ ready: true }), 'session.incoming': () => [doc(1)], 'session.documents': () => [] });
    useSession.setState({ screen: 'documents' });
    const { unmount } = render(<App />);
    fireEvent.click(await screen.findByRole('button', { name: 'Gelen Belgeler' }));
    await screen.findByText('ABC2026000000001');
    unmount();
    useSession.setState({ session: { ...SESSION, module: 'earsiv', incomingKinds: [] } as never, screen: 'documents' });
    render(<App />);
    await screen.findByRole('button', { name: 'Belgeler' });
    expect(screen.queryByRole('button', { name: 'Gelen Belgeler' })).toBeNull();
  });

  it('lists each document with its number, sender, profile, amount, state, answer and the time left to answer', async () => {
    fakeBridge({
      'session.incoming': () => [
        doc(1),
        doc(2, { profile: 'TEMELFATURA', answerable: false, answerDeadline: undefined }),
        doc(3, { state: 'answered', answer: 'RED', answerable: false, answerDeadline: undefined }),
        doc(4, { state: 'invalid', valid: false, problems: [{ source: 'xml', rule: 'XML_NOT_WELL_FORMED', message: 'Belge okunamadı: kapanmamış etiket' }] }),
      ],
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(1)).not.toBeNull());
    const first = within(rowOf(1));
    expect(first.getByText('ABC2026000000001')).toBeTruthy();
    expect(first.getByText('Ege Tekstil A.Ş.')).toBeTruthy();
    expect(first.getByText('53.446,26 TL')).toBeTruthy();
    expect(first.getByText('30.11.2026')).toBeTruthy();
    expect(first.getByText('Alındı')).toBeTruthy();
    expect(first.getByTestId('countdown').textContent).toMatch(/5 gün 3 saat kaldı$/);
    expect(within(rowOf(2)).getByText('TEMELFATURA')).toBeTruthy();
    expect(within(rowOf(3)).getByText('Yanıtlandı')).toBeTruthy();
    expect(within(rowOf(3)).getByText('Red')).toBeTruthy();
    expect(within(rowOf(4)).getByText('Hatalı belge')).toBeTruthy();
    // A broken delivery is shown with what is wrong, never hidden.
    fireEvent.click(rowOf(4));
    expect(screen.getByTestId('incoming-problems').textContent).toContain('Belge okunamadı: kapanmamış etiket');
    expect(screen.getByTestId('incoming-count').textContent).toBe('4 belge');
  });

  it('passes every filter to the API, with the answer-due choice as days', async () => {
    const bridge = fakeBridge({ 'session.incoming': () => [] });
    render(<IncomingScreen />);
    await waitFor(() => expect(bridge.of('session.incoming')).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Gönderen'), { target: { value: ' Ege ' } });
    fireEvent.change(screen.getByLabelText('Durum'), { target: { value: 'received' } });
    fireEvent.change(screen.getByLabelText('Yanıt süresi'), { target: { value: '3' } });
    useIncoming.getState().setFilters({ from: '2026-11-01', to: '2026-11-30' });
    fireEvent.click(screen.getByRole('button', { name: 'Listele' }));
    await waitFor(() => expect(bridge.of('session.incoming')).toHaveLength(2));
    expect(bridge.of('session.incoming')[1]!.input).toEqual({ sessionId: 'sess-1', from: '2026-11-01', to: '2026-11-30', sender: 'Ege', state: 'received', dueWithinDays: 3 });
    expect(screen.getByText(t('incoming.empty'))).toBeTruthy();
  });

  it('fetches new documents, says how many came and lists again', async () => {
    let listed = [doc(1)];
    const bridge = fakeBridge({
      'session.incoming': () => listed,
      'session.incomingFetch': () => {
        listed = [doc(2, { state: 'invalid', valid: false }), doc(1)];
        return { pages: 1, stored: 1, duplicates: 0, invalid: 1, acknowledged: 1, cursor: '7' };
      },
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(1)).not.toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Yeni Belgeleri Al' }));
    await waitFor(() => expect(rowOf(2)).not.toBeNull());
    expect(bridge.of('session.incomingFetch')[0]!.input).toEqual({ sessionId: 'sess-1' });
    expect(screen.getByTestId('fetch-result').textContent).toBe('1 yeni belge alındı, 1 tanesi hatalı (saklandı)');
  });

  it('shows a fetch failure in Turkish with its code', async () => {
    fakeBridge({
      'session.incoming': () => [],
      'session.incomingFetch': () => {
        throw apiError('INCOMING_COMPANY_UNKNOWN', 'Oturumun şirketi (VKN) belli değil; gelen belgeler listelenemez.');
      },
    });
    render(<IncomingScreen />);
    fireEvent.click(screen.getByRole('button', { name: 'Yeni Belgeleri Al' }));
    const alert = await screen.findByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('INCOMING_COMPANY_UNKNOWN');
    expect(alert.textContent).toContain('Oturumun şirketi (VKN) belli değil');
  });

  it('previews through the API and downloads the original XML', async () => {
    const bridge = fakeBridge({
      'session.incoming': () => [doc(1)],
      'session.incomingPreview': () => ({ html: '<html><body>FATURA ÖNİZLEME</body></html>' }),
      'session.incomingXml': () => ({ fileName: 'ABC2026000000001.xml', xml: '<Invoice/>' }),
    });
    const created: Blob[] = [];
    URL.createObjectURL = ((b: Blob) => (created.push(b), 'blob:x')) as typeof URL.createObjectURL;
    URL.revokeObjectURL = () => undefined;
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(1)).not.toBeNull());
    expect((screen.getByRole('button', { name: 'Önizle' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(rowOf(1));
    fireEvent.click(screen.getByRole('button', { name: 'Önizle' }));
    const frame = (await screen.findByTitle('Önizle')) as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('allow-same-origin allow-modals');
    expect(frame.getAttribute('srcdoc')).toContain('FATURA ÖNİZLEME');
    expect(bridge.of('session.incomingPreview')[0]!.input).toEqual({ sessionId: 'sess-1', ettn: ettnOf(1) });
    fireEvent.click(screen.getByRole('button', { name: 'Kapat' }));
    fireEvent.click(screen.getByRole('button', { name: 'XML İndir' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(await created[0]!.text()).toBe('<Invoice/>');
  });

  it('shows the problems of a document that cannot be previewed', async () => {
    fakeBridge({
      'session.incoming': () => [doc(4, { state: 'invalid', valid: false })],
      'session.incomingPreview': () => ({ problems: [{ source: 'xml', rule: 'XML_NOT_WELL_FORMED', message: 'Belge okunamadı' }] }),
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(4)).not.toBeNull());
    fireEvent.click(rowOf(4));
    fireEvent.click(screen.getByRole('button', { name: 'Önizle' }));
    const problems = await screen.findByTestId('preview-problems');
    expect(problems.textContent).toContain('Bu gelen belge GİB kontrollerinden geçmedi');
    expect(problems.textContent).toContain('XML_NOT_WELL_FORMED');
  });

  it('sends KABUL after confirmation and shows the answer', async () => {
    let answered = false;
    const bridge = fakeBridge({
      'session.incoming': () => [answered ? doc(1, { state: 'answered', answer: 'KABUL', answerable: false, answerDeadline: undefined }) : doc(1)],
      'session.incomingAnswer': () => {
        answered = true;
        return { ettn: ettnOf(1), answer: 'KABUL', answerEttn: ettnOf(99), answerNumber: 'YNT2026000000001', belgeOid: 'x', repeated: false };
      },
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(1)).not.toBeNull());
    fireEvent.click(rowOf(1));
    fireEvent.click(screen.getByRole('button', { name: 'Kabul Et' }));
    const dialog = screen.getByRole('dialog', { name: 'Kabul Et' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Kabul Yanıtını Gönder' }));
    await screen.findByTestId('answer-sent');
    expect(bridge.of('session.incomingAnswer')[0]!.input).toEqual({ sessionId: 'sess-1', ettn: ettnOf(1), answer: 'KABUL' });
    expect(screen.getByTestId('answer-sent').textContent).toContain('ABC2026000000001: kabul yanıtı gönderildi.');
    expect(within(rowOf(1)).getByText('Kabul')).toBeTruthy();
    // A second answer is not offered, and the screen says why.
    expect((screen.getByRole('button', { name: 'Reddet' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('answer-refusal').textContent).toContain('yalnızca bir yanıt verilebilir');
  });

  it('asks for the reason of a RED and sends nothing without one', async () => {
    const bridge = fakeBridge({
      'session.incoming': () => [doc(1)],
      'session.incomingAnswer': () => ({ ettn: ettnOf(1), answer: 'RED', answerEttn: ettnOf(99), answerNumber: 'YNT2026000000002', belgeOid: 'y', repeated: false }),
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(1)).not.toBeNull());
    fireEvent.click(rowOf(1));
    fireEvent.click(screen.getByRole('button', { name: 'Reddet' }));
    const dialog = screen.getByRole('dialog', { name: 'Reddet' });
    fireEvent.change(within(dialog).getByLabelText('Red gerekçesi'), { target: { value: '   ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Red Yanıtını Gönder' }));
    const alert = within(dialog).getByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('INCOMING_ANSWER_REASON_REQUIRED');
    expect(alert.textContent).toContain('Red yanıtı için gerekçe yazmalısınız.');
    expect(bridge.of('session.incomingAnswer')).toHaveLength(0);
    fireEvent.change(within(dialog).getByLabelText('Red gerekçesi'), { target: { value: ' Fiyatlar siparişle uyuşmuyor. ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Red Yanıtını Gönder' }));
    await screen.findByTestId('answer-sent');
    expect(bridge.of('session.incomingAnswer')[0]!.input).toEqual({ sessionId: 'sess-1', ettn: ettnOf(1), answer: 'RED', reason: 'Fiyatlar siparişle uyuşmuyor.' });
  });

  it('offers no answer to a TEMELFATURA or after the 8 days, and says why', async () => {
    fakeBridge({
      'session.incoming': () => [doc(1, { profile: 'TEMELFATURA', answerable: false, answerDeadline: undefined }), doc(2, { answerable: false, answerDeadline: undefined })],
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(2)).not.toBeNull());
    fireEvent.click(rowOf(1));
    expect((screen.getByRole('button', { name: 'Kabul Et' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('answer-refusal').textContent).toBe('TEMELFATURA senaryosundaki faturaya kabul/red yanıtı verilmez; yalnızca TICARIFATURA yanıtlanır.');
    fireEvent.click(rowOf(2));
    expect((screen.getByRole('button', { name: 'Kabul Et' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('answer-refusal').textContent).toContain('Yanıt süresi doldu');
    expect(within(rowOf(2)).getByText('Süre doldu')).toBeTruthy();
  });

  it('shows the API’s refusal when the window closed while the screen was open, and lists again', async () => {
    let calls = 0;
    const bridge = fakeBridge({
      'session.incoming': () => (calls++ === 0 ? [doc(1)] : [doc(1, { answerable: false, answerDeadline: undefined })]),
      'session.incomingAnswer': () => {
        throw apiError('INCOMING_ANSWER_TOO_LATE', 'Yanıt süresi doldu: belge entegratöre ulaştıktan sonraki 8 gün içinde yanıtlanabilir. (son gün: 2026-12-08)');
      },
    });
    render(<IncomingScreen />);
    await waitFor(() => expect(rowOf(1)).not.toBeNull());
    fireEvent.click(rowOf(1));
    fireEvent.click(screen.getByRole('button', { name: 'Kabul Et' }));
    const dialog = screen.getByRole('dialog', { name: 'Kabul Et' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Kabul Yanıtını Gönder' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('INCOMING_ANSWER_TOO_LATE');
    expect(alert.textContent).toContain('son gün: 2026-12-08');
    expect(bridge.of('session.incoming')).toHaveLength(2);
    expect(screen.queryByTestId('answer-sent')).toBeNull();
  });
});

describe('the accounting database’s helper table', () => {
  it('warns when the fetched documents could not be written there, keeping them listed', async () => {
    fakeBridge({
      'session.incoming': () => [doc(1)],
      'session.incomingFetch': () => ({
        pages: 1,
        stored: 1,
        duplicates: 0,
        invalid: 0,
        acknowledged: 1,
        cursor: '3',
        erp: { written: 0, error: { code: 'ERP_HELPER_OBJECTS_MISSING', message: 'Konnektör’ün yardımcı tabloları bu veri tabanında yok.' } },
      }),
    });
    render(<IncomingScreen />);
    fireEvent.click(screen.getByRole('button', { name: 'Yeni Belgeleri Al' }));
    const warning = await screen.findByTestId('erp-warning');
    expect(warning.getAttribute('data-code')).toBe('ERP_HELPER_OBJECTS_MISSING');
    expect(warning.textContent).toContain('KNK_GELEN_BELGE tablosuna yazılamadı');
    expect(rowOf(1)).not.toBeNull();
    expect(screen.getByTestId('fetch-result').textContent).toBe('1 yeni belge alındı');
  });
});
