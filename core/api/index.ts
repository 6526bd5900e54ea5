import { redactServer } from '../erp/target';
import { KonnektorError } from '../errors';
import { logger } from '../logging';
import { createApiContext } from './context';
import type { ApiDeps } from './deps';
import { createDemoHandlers, type DemoHandlers } from './demo';
import { createDiagnosticsHandlers, type DiagnosticsHandlers } from './diagnostics';
import { createDocumentHandlers, type DocumentHandlers } from './documents';
import { createErpHandlers, type ErpHandlers } from './erp';
import { parseInput } from './input';
import { createLoginHandlers, type LoginHandlers } from './login';
import { createIncomingHandlers, type IncomingHandlers } from './incoming';
import { createIncomingSessionHandlers, type IncomingSessionHandlers } from './incomingSession';
import { createAliasChoiceHandlers, type AliasChoiceHandlers } from './aliasChoice';
import { createReceiptHandlers, type ReceiptHandlers } from './receipts';
import { createRegistryHandlers, type RegistryHandlers } from './registry';
import type { ApiInput, ApiMethod } from './schemas';
import { createSendJobHandlers, type SendJobHandlers } from './sendJobs';
import { createSettingsHandlers, type SettingsHandlers } from './settings';
import { createYearEndHandlers, type YearEndHandlers } from './yearend';
import { createAppHandlers, type AppHandlers } from './startup';
import { createEdefterHandlers, type EdefterHandlers } from './edefter';
import { createGibHandlers, type GibHandlers } from './gib';

export type { ApiDeps, SessionDeps } from './deps';
export type { ConnectorSummary } from './erp';
export type { IncomingRow } from '../incoming/list';
export type { AliasChoices, AliasChoiceResult } from './aliasChoice';
export type { DocumentPreview, DocumentProblem, DocumentRow, FileValidation } from './documents';
export type { LoginDefaults, SessionStatus, SessionView } from './login';
export type { OutboxStatusReport, SendJobView } from './sendJobs';
export type { ConnectionSettings } from './settings';
export { parseInput } from './input';
export type { StartupStatus, StartupStep } from './startup';
export { StartupProgress, startingApi } from './startup';

/** Every domain's handlers: each receives its input already parsed by the method's schema. */
export type Handlers = AppHandlers &
  ErpHandlers &
  LoginHandlers &
  DocumentHandlers &
  SendJobHandlers &
  SettingsHandlers &
  DiagnosticsHandlers &
  YearEndHandlers &
  EdefterHandlers &
  RegistryHandlers &
  IncomingHandlers &
  IncomingSessionHandlers &
  AliasChoiceHandlers &
  ReceiptHandlers &
  GibHandlers &
  DemoHandlers;

/** The public API: each method takes its raw input (what its schema accepts) and returns what its handler returns. */
export type KonnektorApi = {
  [M in keyof Handlers & ApiMethod]: Handlers[M] extends (input: never) => infer R ? (input: ApiInput<M>) => R : never;
};

// Every schema has a handler and every handler a schema: a method added to one side only fails the build.
type MissingHandlers = Exclude<ApiMethod, keyof Handlers>;
type HandlersWithoutSchema = Exclude<keyof Handlers, ApiMethod>;
const complete: [MissingHandlers, HandlersWithoutSchema] extends [never, never] ? true : { missing: MissingHandlers; unschemed: HandlersWithoutSchema } = true;
void complete;

/** The API plus its life cycle: `close` releases validation workers. */
export type KonnektorService = KonnektorApi & {
  close(): Promise<void>;
  /** The host process (desktop app, browser mode) starts the background work: the daily registered-user list refresh. */
  startBackground(): Promise<void>;
};

/**
 * The single entry point of every user action. Electron IPC, the browser bridge and the CLI are thin adapters
 * over this object. The wrapper parses each call's input once with the schema of the same name, so every handler
 * receives typed, validated input; domains share helpers, never the public object.
 */
export function createKonnektorApi(deps: ApiDeps): KonnektorService {
  const ctx = createApiContext(deps);
  const { startRegistryRefresh, stopRegistryRefresh, ...registryHandlers } = createRegistryHandlers(ctx);
  const handlers: Handlers = {
    ...createAppHandlers(),
    ...createErpHandlers(ctx),
    ...createLoginHandlers(ctx),
    ...createDocumentHandlers(ctx),
    ...createSendJobHandlers(ctx),
    ...createSettingsHandlers(ctx),
    ...createDiagnosticsHandlers(ctx),
    ...createYearEndHandlers(ctx),
    ...createEdefterHandlers(ctx),
    ...registryHandlers,
    ...createGibHandlers(ctx),
    ...createIncomingHandlers(ctx),
    ...createIncomingSessionHandlers(ctx),
    ...createAliasChoiceHandlers(ctx),
    ...createReceiptHandlers(ctx),
    ...createDemoHandlers(ctx),
  };
  // Every call is logged without secrets; failures keep their English detail in the log.
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        try {
          return await (fn as (i: unknown) => Promise<unknown>)(parseInput(name as ApiMethod, input));
        } catch (e) {
          const server = (input as { server?: unknown; target?: { server?: unknown } })?.target?.server ?? (input as { server?: unknown })?.server;
          logger.warn('api call failed', {
            method: name,
            code: e instanceof KonnektorError ? e.code : 'UNEXPECTED',
            detail: e instanceof Error ? e.message : String(e),
            ...(typeof server === 'string' ? { server: redactServer(server) } : {}),
          });
          throw e;
        }
      },
    ]),
  ) as unknown as KonnektorApi;
  return Object.assign(wrapped, {
    close: async () => {
      stopRegistryRefresh();
      await ctx.close();
    },
    startBackground: () => startRegistryRefresh(),
  });
}
