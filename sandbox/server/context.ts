import type { Readable } from 'node:stream';
import type { Element } from '@xmldom/xmldom';
import type { DocumentValidator } from '../../core/validation';
import type { Account } from './accounts';
import type { FaultInjector } from './faults';
import type { OutgoingDocuments } from './outgoing';
import type { SandboxDb } from './store';

/** What an operation handler sees: the store, the clock, the caller's account and the services it may use. */
export interface ServiceContext {
  db: SandboxDb;
  now(): number;
  /** http://127.0.0.1:port, for URLs the integrator hands out (faturaURL). */
  baseUrl: string;
  account: Account;
  outgoing: OutgoingDocuments;
  validator: DocumentValidator | undefined;
  faults: FaultInjector;
  /** Made-up taxpayers the user list serves after the stored ones (benchmarks). */
  generatedUsers: number;
  /** How long a simulated processing step takes (status changes after it). */
  stepMs: number;
}

/** An answer whose `<return>` is the base64 of a byte stream, written as it is produced (the user-list zip). */
export class StreamedAnswer {
  constructor(readonly bytes: Readable) {}
}

/** Returns the inner XML of `<ns2:operationResponse>`. */
export type OperationHandler = (body: Element, ctx: ServiceContext) => string | StreamedAnswer | Promise<string | StreamedAnswer>;
