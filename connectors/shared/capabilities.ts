import { KonnektorError } from '../../core/errors';
import { MODULES, type Module } from '../../core/modules';
import type { KindCapabilities, KindCapability } from '../contract';

/**
 * The modules of a capability map. A kind's id is its module's, or `<module>-<what>` for its answers and incoming
 * documents (the registry in core/documents/kinds enforces it), so the map alone says which modules a program serves.
 */
export function modulesOf(kinds: KindCapabilities): Module[] {
  const readable = Object.entries(kinds).filter(([, c]) => c.read).map(([id]) => id.split('-')[0]);
  return MODULES.filter((m) => readable.includes(m));
}

/** The capability of the module's own kind, or MODULE_NOT_SUPPORTED from a connector asked for a module it does not read. */
export function readableKind(connectorTitle: string, kinds: KindCapabilities, module: Module): KindCapability & { id: string } {
  const capability = kinds[module];
  if (capability?.read) return { ...capability, id: module };
  throw new KonnektorError('MODULE_NOT_SUPPORTED', `The ${connectorTitle} connector does not read ${module} documents yet`, { value: module });
}
