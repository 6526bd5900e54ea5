import fs from 'node:fs';
import path from 'node:path';
import { createKonnektorApi, type KonnektorService } from '../core/api';
import type { SessionDeps, StartupProgress } from '../core/api';
import { createFileKeyVault, type Vault } from '../core/auth';
import { isKonnektorError } from '../core/errors';
import { addFileLogging, logger, removeFileLogging } from '../core/logging';
import { ErpConnections } from '../db/erp';
import { openHomeStore, prepareHome, type LocalStore } from '../db/local';
import { listProfiles } from '../db/profiles';
import { startSandbox, type SandboxHandle } from '../sandbox/server';
import { SHIPPED } from './shipped';

/**
 * Everything the desktop app runs on, shared by Electron's main process and browser mode (so it lives here, not in
 * electron/): the local store, the
 * vault, rotating logs and the API. On a first run (no saved settings, or only the demo's) it brings the embedded
 * defaults up: demo accounting databases and the eFinans sandbox on the loopback, with the sandbox login offered.
 */
export interface RuntimeOptions {
  /** The user data folder: store, vault, logs, demo databases. */
  home: string;
  /** Electron passes its safeStorage vault; browser mode uses a 0600 file key in `home`. */
  vault?: Vault;
  now?: () => Date;
  /** `off` never starts the demo, even without settings. */
  demo?: 'auto' | 'off';
  /** Seconds a document takes per status step in the demo sandbox. */
  sandboxStepMs?: number;
  /** The demo's "this year". */
  demoYear?: number;
  /** Integrator base URL for modules without saved settings (production). */
  integrator?: string;
  /** The desktop app's PDF printer for previews (Electron's printToPDF). */
  printToPdf?: SessionDeps['printToPdf'];
  /** Start-up steps as they happen (the terminal and the window show them). */
  progress?: StartupProgress;
}

export interface Runtime {
  api: KonnektorService;
  home: string;
  logDir: string;
  demo?: { server: string; user: string; password: string; sandbox: string };
  /** The embedded sandbox when the demo runs (tests inject faults through its admin). */
  sandbox?: SandboxHandle;
  close(): Promise<void>;
}

/** `KONNEKTOR_NOW=2027-01-05T09:00:00+03:00`: the clock starts there and runs on (tests of the fiscal-year turn). */
export function clockFromEnv(value: string | undefined): (() => Date) | undefined {
  if (!value) return undefined;
  const base = Date.parse(value);
  if (Number.isNaN(base)) throw new Error(`KONNEKTOR_NOW is not a date: ${value}`);
  const started = Date.now();
  return () => new Date(base + (Date.now() - started));
}

async function sandboxPort(file: string): Promise<number> {
  try {
    const port = Number(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
  } catch {
    return 0;
  }
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const home = prepareHome(options.home);
  const step = (id: string, text: string, state: 'started' | 'done') => options.progress?.step(id, text, state);
  step('store', 'Yerel veri deposu açılıyor', 'started');
  const logDir = await addFileLogging(path.join(home, 'logs'));
  const connections = new ErpConnections();
  const storePromise: Promise<LocalStore> = openHomeStore(home);
  const store = await storePromise;
  const vault = options.vault ?? createFileKeyVault(path.join(home, 'vault'));
  const session: SessionDeps = {
    vault,
    logDir,
    ...(options.integrator ? { defaultIntegrator: options.integrator } : {}),
    ...(options.printToPdf ? { printToPdf: options.printToPdf } : {}),
  };
  const api = createKonnektorApi({
    ...SHIPPED,
    connections,
    store: () => storePromise,
    session,
    ...(options.now ? { now: options.now } : {}),
  });
  const demoDir = path.join(home, 'demo');
  const demoServer = `sqlite:${demoDir}`;
  const profiles = await listProfiles(store);
  step('store', 'Yerel veri deposu açıldı', 'done');
  const useDemo = options.demo !== 'off' && !options.integrator && profiles.every((p) => p.target.server === demoServer);
  let sandbox: SandboxHandle | undefined;
  let demo: Runtime['demo'];
  try {
    if (useDemo) {
      step('demo', 'Örnek muhasebe veri tabanları hazırlanıyor', 'started');
      try {
        // A demo year in the past also opens the periods since, so today's first login shows the year-end wizard.
        await api['demo.init']({ dir: demoDir, ...(options.demoYear ? { year: options.demoYear, openFollowingYears: true } : {}) });
      } catch (e) {
        // Already there from an earlier run: keep its documents and their states.
        if (!(isKonnektorError(e) && e.code === 'DEMO_DIR_INVALID')) throw e;
      }
      const userList = path.join(demoDir, 'gib-kullanici-listesi.xml');
      if (fs.existsSync(userList)) await api['registry.import']({ file: userList });
      step('demo', 'Örnek muhasebe veri tabanları hazır', 'done');
      step('sandbox', 'eFinans deneme sunucusu (sandbox) başlatılıyor', 'started');
      const portFile = path.join(home, 'sandbox', 'port');
      fs.mkdirSync(path.dirname(portFile), { recursive: true });
      const start = (port: number) =>
        startSandbox({
          dataDir: path.join(home, 'sandbox'),
          port,
          ...(options.sandboxStepMs !== undefined ? { stepMs: options.sandboxStepMs } : {}),
          ...(options.now ? { clock: { now: options.now } } : {}),
        });
      const saved = await sandboxPort(portFile);
      sandbox = await start(saved).catch((e: unknown) => {
        if (saved === 0) throw e;
        return start(0);
      });
      fs.writeFileSync(portFile, String(sandbox.port));
      step('sandbox', `eFinans deneme sunucusu (sandbox) çalışıyor: ${sandbox.url}`, 'done');
      session.defaultIntegrator = sandbox.url;
      session.demo = { server: demoServer, database: 'LOGODB', connector: 'logo', user: 'demo', password: 'demo123' };
      demo = { server: demoServer, user: 'demo', password: 'demo123', sandbox: sandbox.url };
      logger.info('embedded demo started', { server: demoServer, sandbox: sandbox.url });
    }
  } catch (e) {
    await api.close();
    await connections.closeAll();
    await store.destroy();
    throw e;
  }
  // The registered-user list is refreshed daily in this process (timed from the last run kept in the store).
  await api.startBackground().catch((e: unknown) => logger.warn('background registry refresh not started', { detail: e instanceof Error ? e.message : String(e) }));
  return {
    api,
    home,
    logDir,
    ...(demo ? { demo } : {}),
    ...(sandbox ? { sandbox } : {}),
    async close() {
      await api.close();
      await sandbox?.close();
      await connections.closeAll();
      await store.destroy();
      await removeFileLogging();
    },
  };
}
