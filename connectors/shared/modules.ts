import { KonnektorError } from '../../core/errors';
import type { Module } from '../../core/modules';

/** The modules whose documents are invoices: what the invoice-reading connectors accept. */
export const INVOICE_MODULES = ['efatura', 'earsiv'] as const satisfies readonly Module[];
export type InvoiceModule = (typeof INVOICE_MODULES)[number];

export function invoiceModuleOf(connectorTitle: string, module: Module): InvoiceModule {
  if ((INVOICE_MODULES as readonly string[]).includes(module)) return module as InvoiceModule;
  throw new KonnektorError('MODULE_NOT_SUPPORTED', `The ${connectorTitle} connector does not read ${module} documents yet`, { value: module });
}

/** Modules whose documents a connector reads: the invoice modules, plus e-Defter where it reads the journal. */
export const INVOICE_AND_LEDGER_MODULES = [...INVOICE_MODULES, 'edefter'] as const satisfies readonly Module[];
