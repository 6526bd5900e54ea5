// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentRow } from '../../core/api';
import { AliasChoice } from '../../renderer/components/AliasChoice';
import { DocumentsScreen } from '../../renderer/screens/DocumentsScreen';
import { useDocuments } from '../../renderer/store/documents';
import { useSession } from '../../renderer/store/session';
import { SESSION, apiError, fakeBridge } from './fakeBridge';

const ETTN = '00000000-0000-4000-8000-000000000007';
const CHOICES = {
  ettn: ETTN,
  erpNumber: 'SAT7',
  identifier: '1234567801',
  customer: 'Ege Tekstil A.Ş.',
  aliases: ['urn:mail:defaultpk@ege.com.tr', 'urn:mail:muhasebepk@ege.com.tr'],
};
const stopped = (extra: Partial<DocumentRow> = {}): DocumentRow => ({
  key: '7',
  erpNumber: 'SAT7',
  issueDate: '2026-11-30',
  customer: 'Ege Tekstil A.Ş.',
  customerTaxId: '1234567801',
  total: '100.00',
  currency: 'TRY',
  state: 'invalid',
  status: 'invalid',
  ettn: ETTN,
  message: 'Alıcının birden fazla posta kutusu var (urn:mail:defaultpk@ege.com.tr, urn:mail:muhasebepk@ege.com.tr); hangisine gönderileceğini seçin.',
  rule: 'KNK_ROUTING_ALIAS_AMBIGUOUS',
  resendable: false,
  ...extra,
});

const sized = (el: HTMLElement, prop: 'clientHeight' | 'clientWidth') => (el.classList?.contains('doc-scroll') ? (prop === 'clientHeight' ? 400 : 1000) : 0);
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientHeight'); } });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientWidth'); } });
});
beforeEach(() => {
  useDocuments.getState().reset();
  useSession.setState({ session: SESSION as never, screen: 'documents' });
});
afterEach(cleanup);

describe('choosing a mailbox for a stopped document', () => {
  it('lists the customer’s mailboxes, records the one chosen and says the document is ready to send', async () => {
    const chosen: string[] = [];
    const bridge = fakeBridge({ 'session.aliasChoices': () => CHOICES, 'session.chooseAlias': (i: { alias: string }) => ({ ettn: ETTN, identifier: CHOICES.identifier, alias: i.alias, status: 'unsent' }) });
    render(<AliasChoice sessionId="sess-1" ettn={ETTN} onChosen={(m) => chosen.push(m)} />);
    const box = await screen.findByRole('group', { name: 'Bu müşterinin faturaları hangi posta kutusuna (etikete) gönderilsin?' });
    expect(within(box).getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(CHOICES.aliases);
    expect(screen.getByTestId('alias-choice').textContent).toContain('Ege Tekstil A.Ş. (1234567801)');
    fireEvent.click(screen.getByRole('radio', { name: 'urn:mail:muhasebepk@ege.com.tr' }));
    fireEvent.click(screen.getByRole('button', { name: 'Posta Kutusunu Seç' }));
    await waitFor(() => expect(chosen).toHaveLength(1));
    expect(bridge.of('session.chooseAlias')[0]!.input).toEqual({ sessionId: 'sess-1', ettn: ETTN, alias: 'urn:mail:muhasebepk@ege.com.tr' });
    expect(chosen[0]).toContain('belge gönderilmeye hazır');
  });

  it('sends nothing until a mailbox is picked, and shows a refusal in Turkish with its code', async () => {
    let chosen = 0;
    const bridge = fakeBridge({
      'session.aliasChoices': () => CHOICES,
      'session.chooseAlias': () => {
        throw apiError('ALIAS_NOT_REGISTERED', 'Seçilen posta kutusu (etiket) bu müşteri için kayıtlı değil.');
      },
    });
    render(<AliasChoice sessionId="sess-1" ettn={ETTN} onChosen={() => (chosen += 1)} />);
    await screen.findByRole('radio', { name: CHOICES.aliases[0] });
    fireEvent.click(screen.getByRole('button', { name: 'Posta Kutusunu Seç' }));
    expect(screen.getByRole('alert').getAttribute('data-code')).toBe('ALIAS_NOT_SELECTED');
    expect(screen.getByRole('alert').textContent).toContain('Listeden bir posta kutusu seçin.');
    expect(bridge.of('session.chooseAlias')).toHaveLength(0);
    fireEvent.click(screen.getByRole('radio', { name: CHOICES.aliases[0] }));
    fireEvent.click(screen.getByRole('button', { name: 'Posta Kutusunu Seç' }));
    await waitFor(() => expect(screen.getByRole('alert').getAttribute('data-code')).toBe('ALIAS_NOT_REGISTERED'));
    expect(screen.getByRole('alert').textContent).toContain('bu müşteri için kayıtlı değil');
    expect(screen.queryByTestId('alias-done')).toBeNull();
    expect(chosen).toBe(0);
  });

  it('is offered on Belgeler in the detail of a document stopped for its mailboxes, and the list is read again after the choice', async () => {
    let listed = [stopped(), stopped({ key: '8', erpNumber: 'SAT8', ettn: '00000000-0000-4000-8000-000000000008', rule: 'NEGATIVE_QUANTITY', message: 'Miktar negatif.' })];
    const bridge = fakeBridge({
      'session.documents': () => listed,
      'session.aliasChoices': () => CHOICES,
      'session.chooseAlias': (i: { alias: string }) => {
        listed = [{ ...stopped(), state: 'pending', status: 'unsent', rule: undefined, message: undefined }, listed[1]!];
        return { ettn: ETTN, identifier: CHOICES.identifier, alias: i.alias, status: 'unsent' };
      },
    });
    render(<DocumentsScreen />);
    await waitFor(() => expect(document.querySelector('[data-key="8"]')).not.toBeNull());
    // A document stopped for another reason offers no mailbox choice.
    fireEvent.click(within(document.querySelector('[data-key="8"]') as HTMLElement).getByText('SAT8'));
    expect(screen.queryByTestId('alias-choice')).toBeNull();
    expect(screen.getByTestId('status-hint').textContent).toContain('muhasebe programında düzeltin');
    fireEvent.click(within(document.querySelector('[data-key="7"]') as HTMLElement).getByText('SAT7'));
    // Settled here, not in the accounting program: no hint sending the user there.
    expect(screen.queryByTestId('status-hint')).toBeNull();
    fireEvent.click(await screen.findByRole('radio', { name: CHOICES.aliases[0] }));
    fireEvent.click(screen.getByRole('button', { name: 'Posta Kutusunu Seç' }));
    await waitFor(() => expect(bridge.of('session.documents')).toHaveLength(2));
    await waitFor(() => expect(within(document.querySelector('[data-key="7"]') as HTMLElement).getByText('Gönderilmedi')).toBeTruthy());
    // The choice is gone with the stop, and the detail says what happened and what to do next.
    expect(screen.queryByTestId('alias-choice')).toBeNull();
    expect(screen.getByTestId('alias-done').textContent).toContain('“Gönder” ile gönderebilirsiniz');
  });
});
