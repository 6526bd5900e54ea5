import fs from 'node:fs';
import path from 'node:path';
import { KonnektorError, type ErrorCode } from './errors';

/**
 * Folders the user names (an export's `--out`, a ledger's output, the demo folder, the sandbox's data, the home):
 * created one level at a time, never with `mkdir -p` — Node's recursive mkdir never returns for a path under
 * `/proc` or `/sys` — and remembered, so a run that fails leaves no empty folder behind.
 */
export interface MadeFolder {
  /** The folder, resolved. */
  dir: string;
  /** The folders this call created, outermost first. */
  created: string[];
  /** Removes the created folders again, innermost first, as long as each is still empty. */
  removeIfEmpty(): void;
}

/** Creates `dir` and its missing parents; throws the node error of the first step that fails (ENOTDIR, EACCES, ENOENT…). */
export function makeFolder(dir: string, mode?: number): MadeFolder {
  const resolved = path.resolve(dir);
  const missing: string[] = [];
  for (let at = resolved; ; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, ${at}`), { code: 'ENOTDIR', path: at });
      break;
    }
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  const created: string[] = [];
  const removeIfEmpty = () => {
    for (const d of [...created].reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        return; // not empty (or gone): what is inside stays, and so do its parents
      }
    }
  };
  try {
    for (const d of missing) {
      fs.mkdirSync(d, mode === undefined ? undefined : { mode });
      created.push(d);
    }
  } catch (e) {
    removeIfEmpty();
    throw e;
  }
  return { dir: resolved, created, removeIfEmpty };
}

/**
 * An output folder the user gave: created if missing and checked writable, or `code` (OUTPUT_DIR_INVALID by
 * default) naming it. Nothing is left behind when it cannot be used.
 */
export function prepareOutputFolder(dir: string, code: ErrorCode = 'OUTPUT_DIR_INVALID'): MadeFolder {
  let made: MadeFolder | undefined;
  try {
    made = makeFolder(dir);
    fs.accessSync(made.dir, fs.constants.W_OK);
    // Pseudo file systems (/proc, /sys) accept the access check yet hold no files of ours.
    const probe = path.join(made.dir, `.konnektor-${process.pid}-${Date.now()}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return made;
  } catch (e) {
    made?.removeIfEmpty();
    throw new KonnektorError(code, `Cannot write to ${dir}: ${(e as Error).message}`, { value: dir }, { cause: e });
  }
}

/**
 * Writes a file the user named (a preview's `--out`, an incoming document's `--xml`): a folder, a missing parent or
 * a place that cannot be written is OUTPUT_FILE_INVALID, and nothing is written.
 */
export function writeOutputFile(file: string, content: string | Uint8Array): string {
  const resolved = path.resolve(file);
  try {
    if (fs.existsSync(resolved) && !fs.statSync(resolved).isFile()) {
      throw Object.assign(new Error(`EISDIR: not a regular file, ${resolved}`), { code: 'EISDIR' });
    }
    fs.writeFileSync(resolved, content);
    return resolved;
  } catch (e) {
    throw new KonnektorError('OUTPUT_FILE_INVALID', `Cannot write ${file}: ${(e as Error).message}`, { value: file }, { cause: e });
  }
}
