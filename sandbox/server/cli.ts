import { KonnektorError } from '../../core/errors';
import { prepareOutputFolder } from '../../core/folders';
import { startSandbox, type SandboxDescription } from './index';

export interface SandboxCommandOptions {
  port: number;
  dataDir: string;
  stepMs: number;
  /** Made-up taxpayers added to the registered-user list (benchmarks). */
  generatedUsers?: number;
  /** Check incoming documents against GİB's XSD and schematron (default true; off to measure the client alone). */
  validate?: boolean;
}

/** Plain-text banner of a running sandbox: where it listens, the sandbox-only accounts and the admin token. */
export function sandboxBanner(d: SandboxDescription): string {
  return [
    `eFinans sandbox çalışıyor: ${d.url}  (yalnızca 127.0.0.1)`,
    `  connectorService  ${d.endpoints.connectorService}   (WSDL: ?wsdl)`,
    `  userService       ${d.endpoints.userService}`,
    `  EarsivWebService  ${d.endpoints.earsivService}`,
    `  e-Defter          ${d.endpoints.edefterService}   (DefterOlusturWebServices)`,
    `  veri klasörü      ${d.dataDir}   adım süresi ${d.stepMs} ms   GİB doğrulaması ${d.validate ? 'açık' : 'kapalı'}`,
    '',
    'Hesaplar (YALNIZCA bu sandbox için; gerçek eFinans’ta geçersizdir):',
    ...d.accounts.map((a) => `  ${a.userId} / ${a.password}${a.staff ? '   [destek personeli: tüm VKN’ler]' : `   VKN: ${a.vkns.join(', ')}`}`),
    `  oturum çerezi: ${d.sessionCookie} (userService.wsLogin)`,
    '',
    `Yönetim API’si (hata enjeksiyonu, belge durumları, teslimler): ${d.url}/admin/state`,
    `  Authorization: Bearer ${d.adminToken}`,
    '',
    'Durdurmak için Ctrl+C.',
  ].join('\n');
}

/** `konnektor sandbox --port P --data <folder> [--step-ms N] [--no-validate]`: runs until SIGINT/SIGTERM. */
export async function runSandboxCommand(options: SandboxCommandOptions): Promise<void> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new KonnektorError('SANDBOX_PORT_INVALID', `--port must be 0…65535, got ${options.port}`, { value: String(options.port) });
  }
  if (!Number.isFinite(options.stepMs) || options.stepMs < 0) {
    throw new KonnektorError('SANDBOX_OPTION_INVALID', `--step-ms must be ≥ 0, got ${options.stepMs}`, { value: String(options.stepMs) });
  }
  if (options.generatedUsers !== undefined && !(Number.isInteger(options.generatedUsers) && options.generatedUsers >= 0)) {
    throw new KonnektorError('SANDBOX_OPTION_INVALID', `--generated-users must be a whole number ≥ 0, got ${options.generatedUsers}`, { value: String(options.generatedUsers) });
  }
  // A folder the user named: never `mkdir -p` into /proc, never a file.
  const data = prepareOutputFolder(options.dataDir, 'SANDBOX_DATA_INVALID');
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({
      port: options.port,
      dataDir: data.dir,
      stepMs: options.stepMs,
      ...(options.generatedUsers ? { generatedUsers: options.generatedUsers } : {}),
      ...(options.validate === false ? { validate: false } : {}),
    });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new KonnektorError('SANDBOX_PORT_IN_USE', `Cannot listen on 127.0.0.1:${options.port}: ${(e as Error).message}`, { value: String(options.port) }, { cause: e });
    }
    throw e;
  }
  process.stdout.write(`${sandboxBanner(sandbox.describe())}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write('Sandbox kapatılıyor…\n');
  await sandbox.close();
}
