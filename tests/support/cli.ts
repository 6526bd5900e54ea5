import { main } from '../../cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `konnektor` command in this process with its own home (KONNEKTOR_HOME), capturing what it prints: the
 * same `main` bin/konnektor.js calls, without the seconds a fresh Node takes on a busy machine.
 */
export async function runCli(home: string, ...args: string[]): Promise<CliResult> {
  const saved = process.env.KONNEKTOR_HOME;
  const out: string[] = [];
  const err: string[] = [];
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.env.KONNEKTOR_HOME = home;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    if (saved === undefined) delete process.env.KONNEKTOR_HOME;
    else process.env.KONNEKTOR_HOME = saved;
  }
}

/** The error code a failed run printed (`HATA CODE: …`), and whether a stack trace came with it. */
export function printedError(r: CliResult): { code: string | undefined; stack: boolean } {
  return { code: /HATA ([A-Z_]+):/.exec(r.stderr)?.[1], stack: /\n\s+at /.test(r.stderr) };
}
