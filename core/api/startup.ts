import { KonnektorError, isKonnektorError } from '../errors';
import { onCompileProgress } from '../validation/compileProgress';

/** One step of the start-up, as `npm start` prints it and the window shows it. */
export interface StartupStep {
  id: string;
  /** Turkish, for the terminal and the window. */
  text: string;
  state: 'started' | 'done';
  /** How long the step took (done) or has been running (started). */
  ms?: number;
}

/** What the window asks while Konnektör starts: `ready` once every screen may call the API. */
export interface StartupStatus {
  ready: boolean;
  elapsedMs: number;
  steps: StartupStep[];
  error?: { code: string; message: string };
}

export interface AppHandlers {
  'app.startup'(input: Record<string, never>): Promise<StartupStatus>;
}

/** The API itself answers only once it exists: by then the start-up is over. */
export function createAppHandlers(): AppHandlers {
  return {
    async 'app.startup'() {
      return { ready: true, elapsedMs: 0, steps: [] };
    },
  };
}

/**
 * The start-up's record: the steps of the runtime and the compiles of GİB's rules (core/validation reports them),
 * each printed once as it starts and ends, with a line every few seconds while a long one runs.
 */
export class StartupProgress {
  private readonly started = Date.now();
  private readonly steps = new Map<string, StartupStep & { at: number }>();
  private error?: { code: string; message: string };
  private ready = false;
  private readonly stopListening: () => void;
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly print: (line: string) => void = () => undefined, tickMs = 10_000) {
    this.stopListening = onCompileProgress((e) => {
      const id = `compile:${e.key}`;
      if (e.phase === 'done' && e.origin === 'cached' && !this.steps.has(id)) return; // from the cache: nothing to tell
      if (e.phase === 'start') this.step(id, `${e.what} derleniyor (bu GİB sürümü için yalnızca bir kez; 2 çekirdekte 1–2 dakika sürebilir)`, 'started');
      if (e.phase === 'wait') this.step(id, `${e.what} başka bir Konnektör tarafından derleniyor; bekleniyor`, 'started');
      if (e.phase === 'done') this.step(id, `${e.what} hazır`, 'done');
    });
    this.ticker = setInterval(() => {
      for (const s of this.steps.values()) {
        if (s.state === 'started') this.print(`  … ${s.text}: ${Math.round((Date.now() - s.at) / 1000)} sn`);
      }
    }, tickMs);
    this.ticker.unref();
  }

  step(id: string, text: string, state: 'started' | 'done'): void {
    const previous = this.steps.get(id);
    const at = previous?.at ?? Date.now();
    const ms = state === 'done' ? Date.now() - at : undefined;
    this.steps.set(id, { id, text, state, at, ...(ms !== undefined ? { ms } : {}) });
    this.print(state === 'started' ? `• ${text}…` : `✓ ${text}${ms !== undefined && ms >= 1000 ? ` (${Math.round(ms / 1000)} sn)` : ''}`);
  }

  finish(error?: unknown): void {
    clearInterval(this.ticker);
    this.stopListening();
    if (error === undefined) this.ready = true;
    else this.error = isKonnektorError(error) ? { code: error.code, message: error.userMessage } : { code: 'APP_START_FAILED', message: 'Konnektör başlatılamadı; ayrıntı günlük dosyasında.' };
  }

  status(): StartupStatus {
    const now = Date.now();
    return {
      ready: this.ready,
      elapsedMs: now - this.started,
      steps: [...this.steps.values()].map(({ at, ...s }) => (s.state === 'started' ? { ...s, ms: now - at } : s)),
      ...(this.error ? { error: this.error } : {}),
    };
  }
}

/**
 * The API as the window sees it while the runtime starts: `app.startup` answers at once with the progress; any
 * other call waits for the runtime (the login screen loads as soon as it is there).
 */
export function startingApi<Api extends object>(api: Promise<Api>, progress: StartupProgress): Api {
  return new Proxy({} as Api, {
    get(_target, method: string | symbol) {
      if (method === 'app.startup') return async () => progress.status();
      if (typeof method !== 'string') return undefined;
      return async (input: unknown) => {
        let real: Api;
        try {
          real = await api;
        } catch (e) {
          throw isKonnektorError(e) ? e : new KonnektorError('APP_START_FAILED', e instanceof Error ? e.message : String(e));
        }
        return (real[method as keyof Api] as (i: unknown) => Promise<unknown>)(input);
      };
    },
  });
}
