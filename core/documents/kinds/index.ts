import type { ErpConnector } from '../../../connectors/contract';
import { KonnektorError } from '../../errors';
import { MODULE_TITLES, type Module } from '../../modules';
import type { UblFacts } from '../ubl/read';
import { earsivKind } from './earsiv';
import { efaturaKind } from './efatura';
import { emmKind } from './emm';
import { esmmKind } from './esmm';
import { eirsaliyeKind } from './eirsaliye';
import type { CanonicalDocument } from '../model';
import type { DocumentKindDescriptor, DocumentKindId, KindDocumentSummary, KindLabel } from './types';

export type * from './types';

/**
 * The document-kind registry: the one list of kinds Konnektör builds, sends and follows. Adding a kind is a file in
 * this folder and one entry here; the pipeline, the API and the screens find it through the lookups below.
 */
export const DOCUMENT_KINDS: readonly DocumentKindDescriptor[] = [efaturaKind, earsivKind, eirsaliyeKind, esmmKind, emmKind];

/** What the screens show of a kind. */
export interface KindSummary {
  id: DocumentKindId;
  module: Module;
  direction: DocumentKindDescriptor['direction'];
  labels: { name: KindLabel; document: KindLabel };
}

export class DocumentKindRegistry {
  private readonly byId = new Map<DocumentKindId, DocumentKindDescriptor>();

  constructor(kinds: readonly DocumentKindDescriptor[]) {
    for (const kind of kinds) {
      if (this.byId.has(kind.id)) throw new Error(`Document kind ${kind.id} is registered twice`);
      // Connectors key their capability maps by kind id and derive their modules from it (connectors/shared).
      if (kind.id !== kind.module && !kind.id.startsWith(`${kind.module}-`)) throw new Error(`Document kind ${kind.id} must be named ${kind.module} or ${kind.module}-…`);
      if (kind.direction === 'outgoing' && kind.id !== kind.module) throw new Error(`The outgoing kind of ${kind.module} must have the module's id, not ${kind.id}`);
      this.byId.set(kind.id, kind);
    }
  }

  list(): readonly DocumentKindDescriptor[] {
    return [...this.byId.values()];
  }

  find(id: DocumentKindId): DocumentKindDescriptor | undefined {
    return this.byId.get(id);
  }

  /** The kind of an outbox entry or a document; MODULE_NOT_SUPPORTED for a kind this Konnektör does not know. */
  get(id: DocumentKindId): DocumentKindDescriptor {
    const kind = this.byId.get(id);
    if (!kind) throw new KonnektorError('MODULE_NOT_SUPPORTED', `No document kind ${JSON.stringify(id)}`, { value: id });
    return kind;
  }

  ofModule(module: Module): DocumentKindDescriptor[] {
    return this.list().filter((k) => k.module === module);
  }

  /** The documents a module sends: MODULE_NOT_SUPPORTED while Konnektör builds none for it yet. */
  outgoing(module: Module): DocumentKindDescriptor {
    const kind = this.byId.get(module);
    if (!kind || kind.direction !== 'outgoing') {
      throw new KonnektorError('MODULE_NOT_SUPPORTED', `Konnektör does not build ${module} documents yet`, { value: MODULE_TITLES[module] });
    }
    return kind;
  }

  /** The module's registered kinds the program reads: what the module's screens and the send pipeline offer. */
  readableBy(connector: Pick<ErpConnector, 'documentKinds'>, module: Module): DocumentKindDescriptor[] {
    return this.ofModule(module).filter((k) => connector.documentKinds[k.id]?.read === true);
  }

  /**
   * Whether a user of this program can log into the module: the program reads one of its kinds (a kind's id is
   * its module's, or `<module>-…`), registered here or still being built (e-Defter's ledger before its kind is).
   */
  serves(connector: Pick<ErpConnector, 'documentKinds'>, module: Module): boolean {
    return Object.entries(connector.documentKinds).some(([id, c]) => c.read && (id === module || id.startsWith(`${module}-`)));
  }

  /** The refusal login, connection tests and the year-end wizard give for a module the program cannot serve yet. */
  requireServed(connector: Pick<ErpConnector, 'documentKinds' | 'title'>, module: Module): void {
    if (this.serves(connector, module)) return;
    // A program that can never serve the module says why, with its own code (ETA and e-Defter: no madde number).
    const refusal = connector.documentKinds[module]?.refusal;
    if (refusal) throw new KonnektorError(refusal.code, `${connector.title}: ${refusal.detail}`, { program: connector.title, module: MODULE_TITLES[module] });
    throw new KonnektorError('CONNECTOR_MODULE_NOT_SUPPORTED', `${connector.title} cannot serve ${module} yet (no readable document kind)`, {
      module: MODULE_TITLES[module],
      program: connector.title,
    });
  }

  /** The kind a UBL document is, by its root and profile (a file handed to `konnektor validate`). */
  forUbl(facts: Pick<UblFacts, 'root' | 'profileId'>): DocumentKindDescriptor | undefined {
    const ubl = this.list().filter((k) => k.format.type === 'ubl' && k.format.root === facts.root);
    return ubl.find((k) => k.format.type === 'ubl' && facts.profileId !== undefined && k.format.profiles.includes(facts.profileId)) ?? ubl[0];
  }

  /** Whether a delivered document of this kind and profile still waits for the receiver's answer. */
  awaitsAnswer(id: DocumentKindId, profile: string | undefined): boolean {
    const answer = this.byId.get(id)?.outbox.answer;
    return answer !== undefined && profile !== undefined && answer.profiles.includes(profile);
  }

  /** What the screens and the CLI show of one ERP document: its kind's summary, else the party and line count. */
  summarize(doc: CanonicalDocument): KindDocumentSummary {
    const own = this.byId.get(doc.module)?.summarize?.(doc);
    if (own) return own;
    return {
      party: doc.customer.name,
      partyTaxId: doc.customer.taxId.value,
      type: 'type' in doc ? doc.type : '',
      ...('profileHint' in doc && doc.profileHint ? { profile: doc.profileHint } : {}),
      lines: doc.lines.length,
      currency: doc.currency ?? '',
    };
  }

  summary(kind: DocumentKindDescriptor): KindSummary {
    return { id: kind.id, module: kind.module, direction: kind.direction, labels: kind.labels };
  }
}

/** The kinds this Konnektör ships. */
export const documentKinds = new DocumentKindRegistry(DOCUMENT_KINDS);
