import { chooseAlias, chosenAlias, lookupRegistered, type RegistryDocumentType } from '../../db/registry';
import type { Session } from '../auth';
import { actorOf } from '../auth';
import { KonnektorError } from '../errors';
import { documentStatusOf, type DocumentStatus } from '../documents/documentStatus';
import type { OutboxEntry } from '../outbox/store';
import type { ApiContext } from './context';
import { entryOfSession, recheckInvalid } from './documents';
import { connectorFor } from './erp';
import type { ParsedInput } from './input';
import { onlyDocuments } from './onlyDocuments';

/**
 * Belgeler → a document stopped because its customer has several mailboxes (KNK_ROUTING_ALIAS_AMBIGUOUS) → the
 * user picks one of the customer's open mailboxes from GİB's list → the choice is recorded for that customer (as
 * `konnektor registry choose-alias` does) and the document is checked again at once: it leaves "Geçersiz" and is
 * sendable with "Gönder". Konnektör never picks a mailbox itself.
 */
export const ALIAS_AMBIGUOUS_RULE = 'KNK_ROUTING_ALIAS_AMBIGUOUS';

export interface AliasChoices {
  ettn: string;
  erpNumber: string;
  /** The customer's VKN/TCKN. */
  identifier: string;
  customer?: string;
  /** The customer's open mailboxes in GİB's list for this kind of document. */
  aliases: string[];
  /** A choice recorded earlier (one that no longer helps, e.g. the mailbox was closed since). */
  chosen?: string;
}

export interface AliasChoiceResult {
  ettn: string;
  identifier: string;
  alias: string;
  /** The document's status after its checks ran again ('unsent': ready for "Gönder"). */
  status: DocumentStatus;
}

export interface AliasChoiceHandlers {
  'session.aliasChoices'(input: ParsedInput<'session.aliasChoices'>): Promise<AliasChoices>;
  'session.chooseAlias'(input: ParsedInput<'session.chooseAlias'>): Promise<AliasChoiceResult>;
}

export function createAliasChoiceHandlers(ctx: ApiContext): AliasChoiceHandlers {
  /** The stopped document, its customer and the list it is routed by; ALIAS_CHOICE_NOT_NEEDED for any other. */
  const stopped = async (session: Session, ettn: string): Promise<{ entry: OutboxEntry; identifier: string; customer?: string; type: RegistryDocumentType }> => {
    const entry = await entryOfSession(ctx, session, ettn);
    const store = await ctx.store();
    const row = (await store('outbox').where({ id: entry.id }).first('issues_json')) as { issues_json?: string | null } | undefined;
    const issues = row?.issues_json ? (JSON.parse(row.issues_json) as { rule: string }[]) : [];
    if (entry.state !== 'invalid' || !issues.some((i) => i.rule === ALIAS_AMBIGUOUS_RULE)) {
      throw new KonnektorError('ALIAS_CHOICE_NOT_NEEDED', `${entry.erpNumber} (${entry.state}) is not waiting for a mailbox choice`, { value: entry.erpNumber });
    }
    const connector = connectorFor(ctx, session.target, session.module);
    const [doc] = await onlyDocuments(connector, [entry.ref.key]).readOutgoing(ctx.erp, session.target, session.module);
    if (!doc) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `${entry.erpNumber} is no longer among the program's unsent documents`, { value: entry.erpNumber });
    const summary = ctx.kinds.summarize(doc);
    const kind = ctx.kinds.find(session.module);
    // The registry keeps a list per UBL document: despatches have mailboxes of their own.
    const type: RegistryDocumentType = kind?.format.type === 'ubl' && kind.format.root === 'DespatchAdvice' ? 'DespatchAdvice' : 'Invoice';
    return { entry, identifier: summary.partyTaxId, ...(summary.party ? { customer: summary.party } : {}), type };
  };

  return {
    async 'session.aliasChoices'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { entry, identifier, customer, type } = await stopped(session, input.ettn);
      const store = await ctx.store();
      const listed = await lookupRegistered(store, identifier, type);
      const chosen = await chosenAlias(store, identifier, type);
      return { ettn: entry.ettn, erpNumber: entry.erpNumber, identifier, ...(customer ? { customer } : {}), aliases: listed?.aliases ?? [], ...(chosen ? { chosen } : {}) };
    },

    async 'session.chooseAlias'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { entry, identifier, type } = await stopped(session, input.ettn);
      const store = await ctx.store();
      const actor = actorOf(session).actor;
      try {
        await chooseAlias(store, identifier, input.alias, actor, type, ctx.now());
      } catch (e) {
        await ctx.audit(session, 'registry.chooseAlias', 'failed', { detail: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      await ctx.audit(session, 'registry.chooseAlias', 'ok', { after: { identifier, alias: input.alias, document: entry.erpNumber } });
      // The document's checks run again now: routed to the chosen mailbox, it is sendable.
      await recheckInvalid(ctx, session, [entry]);
      const now = await entryOfSession(ctx, session, input.ettn);
      return { ettn: entry.ettn, identifier, alias: input.alias, status: documentStatusOf(now.state) };
    },
  };
}
