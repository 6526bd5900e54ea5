import type { Timers } from '../registry/refresh';
import type { ErpConnector } from '../../connectors/contract';
import type { DemoSummary } from '../../sandbox/demo';
import type { ErpConnections } from '../../db/erp';
import type { LocalStore } from '../../db/local';
import type { SessionRegistry, Vault } from '../auth';
import type { DocumentKindRegistry } from '../documents/kinds';
import type { Module } from '../modules';
import type { SendRunOptions } from '../outbox';
import type { ParsedInput } from './input';

/**
 * What an API instance runs on. The desktop app, browser mode, the CLI and the tests each build one; nothing in
 * core/api reaches for a process-wide singleton instead.
 */
export interface ApiDeps {
  connections: ErpConnections;
  /** Konnektör's local store, opened on first use. */
  store: () => Promise<LocalStore>;
  /** Settings: the GİB package folder (default: located by core/validation), series prefixes per module. */
  settings?: { gibPackage?: string; prefixes?: Partial<Record<Module, string>>; dataDir?: string };
  now?: () => Date;
  /** Progress of `documents.send` (the CLI draws its progress bar from it). */
  onSendEvent?: SendRunOptions['onEvent'];
  /** The CLI's administrator (OS user) for year-end calls without a session; the app and browser mode never set it. */
  localActor?: { user: string; staff: false };
  /** Login, sessions, vault and the desktop app's defaults. */
  session?: SessionDeps;
  /** The document kinds this API builds and sends (default: core/documents/kinds' registry). */
  kinds?: DocumentKindRegistry;
  /** The accounting programs this API reads: the shipped list (runtime/shipped.ts), or what a test or embedder gives. */
  connectors: readonly ErpConnector[];
  /** Creates the embedded demo databases (`demo.init`); sandbox/demo's generator in the shipped app. */
  demo?: (input: ParsedInput<'demo.init'>) => Promise<DemoSummary>;
  /** The daily registered-user list refresh (core/registry/refresh.ts): its timers (tests: a fake clock) and period. */
  registryRefresh?: { timers?: Timers; intervalMs?: number; retryMs?: number };
}

/** What the desktop app and browser mode add to the API: where secrets and logs go, and the embedded defaults. */
export interface SessionDeps {
  vault?: Vault;
  /** Folder of the rotating log files (the staff log view reads it). */
  logDir?: string;
  /** Integrator base URL when the module has no saved settings. */
  defaultIntegrator?: string;
  /** The embedded demo: ERP coordinates and the sandbox login offered on the login screen. */
  demo?: { server: string; database: string; connector: string; user: string; password: string };
  /** Integrator calls of the document screen (default 2 s between status rounds while waiting). */
  sendOptions?: { deadlineSec?: number };
  registry?: SessionRegistry;
  /**
   * The desktop app's PDF printer (Electron's printToPDF on a hidden, script-less window). Browser mode has none:
   * there the preview prints through the browser's own dialog and print stylesheet.
   */
  printToPdf?: (html: string) => Promise<Uint8Array>;
}
