import { KonnektorError, isKonnektorError } from '../../core/errors';
import type { DespatchDocument, ErpDocumentRef, ErpReadError, InvoiceDocument, Party, ProducerReceiptDocument } from '../../core/documents/model';
import type { Module } from '../../core/modules';

/**
 * One bad row never stops a batch: a document is mapped from its rows inside `mapRows`, which watches which table,
 * row and column were read last. When the mapping fails on a value (a non-numeric amount, a date that is none…)
 * the document comes back as the connector's shell of it carrying an ERP_VALUE_INVALID that names the table, the
 * column and the row, and the rest of the list goes on. Failures of the database itself are not a row's: they
 * still end the read with their own codes.
 */
export type Row = Record<string, unknown>;

export interface RowPosition {
  table: string;
  row: string;
  column?: string;
}

/** Wraps a row so that reading a column records where the mapping is. */
export type TrackRow = <R extends Row>(row: R, table: string, key: unknown) => R;

export function mapRows<T>(work: (track: TrackRow) => T, shell: (error: ErpReadError) => T): T {
  let last: RowPosition | undefined;
  const track: TrackRow = (row, table, key) =>
    new Proxy(row, {
      get(target, prop, receiver) {
        if (typeof prop === 'string') last = { table, row: String(key), column: prop };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  try {
    return work(track);
  } catch (e) {
    if (isKonnektorError(e) && e.code !== 'ERP_VALUE_INVALID') throw e;
    const value = isKonnektorError(e) && typeof e.details.value === 'string' ? e.details.value : undefined;
    const where = last ?? { table: '?', row: '?' };
    return shell({
      code: 'ERP_VALUE_INVALID',
      table: where.table,
      row: where.row,
      ...(where.column ? { column: where.column } : {}),
      ...(value !== undefined ? { value } : {}),
      detail: e instanceof Error ? e.message : String(e),
    });
  }
}

/** The error a value that cannot be read throws; `mapRows` names its table, column and row. */
export function invalidValue(value: unknown, what: string): KonnektorError {
  const text = typeof value === 'string' ? value : String(value);
  return new KonnektorError('ERP_VALUE_INVALID', `not ${what}: ${JSON.stringify(text.slice(0, 80))}`, { value: text.slice(0, 80) });
}

/**
 * What a shell keeps of an unreadable document: who, which, when — each read leniently, so a shell never fails on
 * the very value that made it one (an empty text or date instead).
 */
export interface ShellBase {
  ref: ErpDocumentRef;
  erpNumber: () => string;
  issueDate: () => string;
  customer: () => Party;
  supplier?: Party;
}

function lenient<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

const NO_PARTY: Party = { taxId: { scheme: 'VKN', value: '' }, name: '', address: { country: 'Türkiye' } };

function shellCommon(base: ShellBase) {
  return {
    ref: base.ref,
    erpNumber: lenient(base.erpNumber, ''),
    issueDate: lenient(base.issueDate, ''),
    customer: lenient(base.customer, NO_PARTY),
    ...(base.supplier ? { supplier: base.supplier } : {}),
  };
}

/** A despatch (e-İrsaliye) whose rows could not be read: listed and kept in the outbox as invalid, never built. */
export function unreadableDespatch(base: ShellBase, readError: ErpReadError): DespatchDocument {
  const common = shellCommon(base);
  return {
    kind: 'despatch',
    module: 'eirsaliye',
    ...common,
    type: 'SEVK',
    deliveryAddress: common.customer.address,
    despatchDate: common.issueDate,
    despatchTime: '',
    drivers: [],
    vehiclePlates: [],
    trailerPlates: [],
    lines: [],
    notes: [],
    orderRefs: [],
    sourceFields: {},
    readError,
  };
}

/** A müstahsil makbuzu (e-MM) whose rows could not be read. */
export function unreadableProducerReceipt(base: ShellBase, readError: ErpReadError): ProducerReceiptDocument {
  const common = shellCommon(base);
  return {
    kind: 'producer-receipt',
    module: 'emm',
    ...common,
    currency: 'TRY',
    deliveryDate: common.issueDate,
    lines: [],
    notes: [],
    sendingType: 'ELEKTRONIK',
    readError,
  };
}

/** An invoice whose rows could not be read: listed with its number, date and customer as far as they read, never built. */
export function unreadableInvoiceOf(base: ShellBase, module: Module, readError: ErpReadError): InvoiceDocument {
  return {
    kind: 'invoice',
    module,
    ...shellCommon(base),
    profileHint: 'TEMELFATURA',
    type: 'SATIS',
    currency: 'TRY',
    lines: [],
    allowances: [],
    notes: [],
    despatchRefs: [],
    returnRefs: [],
    readError,
  };
}
