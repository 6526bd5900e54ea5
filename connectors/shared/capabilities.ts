import { KonnektorError } from '../../core/errors';
import { MODULES, MODULE_TITLES, type Module } from '../../core/modules';
import type { KindCapabilities, KindCapability } from '../contract';

/**
 * The modules of a capability map. A kind's id is its module's, or `<module>-<what>` for its answers and incoming
 * documents (the registry in core/documents/kinds enforces it), so the map alone says which modules a program serves.
 */
export function modulesOf(kinds: KindCapabilities): Module[] {
  const readable = Object.entries(kinds).filter(([, c]) => c.read).map(([id]) => id.split('-')[0]);
  return MODULES.filter((m) => readable.includes(m));
}

/**
 * The kind a module reads from the program's invoice table, by that table's kind codes (Logo EINVOICE, Netsis
 * EBELGE); MODULE_NOT_SUPPORTED for a module the program reads otherwise (e-Defter: the journal) or not at all.
 */
export function invoiceKindOf<K extends string>(connectorTitle: string, kinds: KindCapabilities, codes: Readonly<Record<K, number>>, module: Module): K {
  const { id } = readableKind(connectorTitle, kinds, module);
  if (!Object.hasOwn(codes, id)) throw new KonnektorError('MODULE_NOT_SUPPORTED', `The ${connectorTitle} connector reads ${module} otherwise than as invoices`, { value: module });
  return id as K;
}

/** The capability of the module's own kind, or MODULE_NOT_SUPPORTED from a connector asked for a module it does not read. */
export function readableKind(connectorTitle: string, kinds: KindCapabilities, module: Module): KindCapability & { id: string } {
  const capability = kinds[module];
  if (capability?.read) return { ...capability, id: module };
  refuseIfDeclared(connectorTitle, kinds, module);
  throw new KonnektorError('MODULE_NOT_SUPPORTED', `The ${connectorTitle} connector does not read ${module} documents yet`, { value: module });
}

/**
 * The capability map's own refusal of a module (KindCapability.refusal), with the program and module named for the
 * Turkish message; nothing when the map declares none.
 */
export function refuseIfDeclared(connectorTitle: string, kinds: KindCapabilities, module: Module): void {
  const refusal = kinds[module]?.refusal;
  if (refusal) throw new KonnektorError(refusal.code, `${connectorTitle}: ${refusal.detail}`, { program: connectorTitle, module: MODULE_TITLES[module] });
}
