/**
 * Compiling GİB's rules takes a minute or more on two cores the first time a release is used, and seconds when it
 * comes from the cache. Whoever compiles (the UBL-TR schematron SEF, e-Defter's schematrons, any future engine)
 * reports it here; `npm start` prints it and the window shows it, so a first start is never a silent minute.
 */
export interface CompileEvent {
  /** `start`: compiling now; `wait`: another process is compiling the same release; `done`: ready (compiled or cached). */
  phase: 'start' | 'wait' | 'done';
  /** What is compiled, for people: "GİB UBL-TR şematron kuralları". */
  what: string;
  /** The cache key's short form (release hash), to tell releases apart in logs. */
  key: string;
  origin?: 'compiled' | 'cached';
  ms?: number;
}

type Listener = (e: CompileEvent) => void;
const listeners = new Set<Listener>();

/** Listens until the returned function is called. */
export function onCompileProgress(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportCompile(e: CompileEvent): void {
  for (const l of listeners) {
    try {
      l(e);
    } catch {
      // a listener's failure never stops a compile
    }
  }
}
