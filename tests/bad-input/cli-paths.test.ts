import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printedError, runCli } from '../support/cli';

/**
 * Paths and numbers a careless user types: each is its own error code with a plain Turkish message, no stack
 * trace, and nothing changed — no hang on a pseudo file system, no empty folder left behind, no file touched.
 */
const GIB_XML = path.resolve(__dirname, '../../../shared/reference/gib/UBL-TR1.2.1_Paketi/xml');

let root: string;
let home: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-paths-'));
  home = path.join(root, 'home');
  fs.mkdirSync(path.join(root, 'erp'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const exportArgs = (out: string, database = 'LOGODB') => ['export', '--module', 'efatura', '--connector', 'logo', '--server', `sqlite:${path.join(root, 'erp')}`, '--database', database, '--firm', '1', '--period', '1', '--out', out];

describe('output folders and files', { timeout: 60_000 }, () => {
  it('`--out` under /proc is OUTPUT_DIR_INVALID at once, not a run that never ends', async () => {
    const r = await runCli(home, ...exportArgs('/proc/konnektor-out'));
    expect(printedError(r)).toEqual({ code: 'OUTPUT_DIR_INVALID', stack: false });
    expect(r.code).toBe(2);
    expect(fs.existsSync('/proc/konnektor-out')).toBe(false);
  });

  it('`--out` inside a file is OUTPUT_DIR_INVALID', async () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'keep');
    const r = await runCli(home, ...exportArgs(path.join(file, 'out')));
    expect(printedError(r)).toEqual({ code: 'OUTPUT_DIR_INVALID', stack: false });
    expect(fs.readFileSync(file, 'utf8')).toBe('keep');
  });

  it('an export whose ERP fails leaves no empty `--out` folder (nor the parents it made)', async () => {
    const out = path.join(root, 'new', 'deeper', 'out');
    const r = await runCli(home, ...exportArgs(out, 'NO_SUCH_DB'));
    expect(printedError(r)).toEqual({ code: 'ERP_DATABASE_NOT_FOUND', stack: false });
    expect(fs.existsSync(path.join(root, 'new'))).toBe(false);
  });

  it('an existing `--out` folder is kept when the ERP fails', async () => {
    const out = path.join(root, 'kept');
    fs.mkdirSync(out);
    await runCli(home, ...exportArgs(out, 'NO_SUCH_DB'));
    expect(fs.existsSync(out)).toBe(true);
  });

  it('`preview --out <folder>` is OUTPUT_FILE_INVALID and writes nothing', async () => {
    const folder = path.join(root, 'previews');
    fs.mkdirSync(folder);
    const r = await runCli(home, 'preview', path.join(GIB_XML, 'TEVKIFAT.xml'), '--out', folder, '--default-view');
    expect(printedError(r)).toEqual({ code: 'OUTPUT_FILE_INVALID', stack: false });
    expect(r.code).toBe(2);
    expect(fs.readdirSync(folder)).toEqual([]);
    const missingParent = await runCli(home, 'preview', path.join(GIB_XML, 'TEVKIFAT.xml'), '--out', path.join(root, 'nowhere', 'x.html'), '--default-view');
    expect(printedError(missingParent)).toEqual({ code: 'OUTPUT_FILE_INVALID', stack: false });
  });
});

describe('files named as input', { timeout: 60_000 }, () => {
  it('a folder, a device or a pipe given to `validate` is FILE_NOT_REGULAR on its own line; the other files are checked', async () => {
    const fifo = path.join(root, 'pipe.xml');
    execFileSync('mkfifo', [fifo]);
    const good = path.join(GIB_XML, 'TicariFaturaOrnegi.xml');
    const r = await runCli(home, 'validate', good, root, '/dev/zero', fifo, '--json');
    const results = JSON.parse(r.stdout) as { file: string; valid: boolean; issues: { rule: string }[] }[];
    expect(results.map((x) => [x.file, x.valid, x.issues.map((i) => i.rule)])).toEqual([
      [good, true, []],
      [root, false, ['FILE_NOT_REGULAR']],
      ['/dev/zero', false, ['FILE_NOT_REGULAR']],
      [fifo, false, ['FILE_NOT_REGULAR']],
    ]);
    expect(r.code).toBe(2);
  });

  it('`preview` of a folder is FILE_NOT_REGULAR, of a missing file FILE_NOT_FOUND', async () => {
    expect(printedError(await runCli(home, 'preview', root, '--out', path.join(root, 'p.html')))).toEqual({ code: 'FILE_NOT_REGULAR', stack: false });
    expect(printedError(await runCli(home, 'preview', path.join(root, 'none.xml'), '--out', path.join(root, 'p.html')))).toEqual({ code: 'FILE_NOT_FOUND', stack: false });
    expect(fs.existsSync(path.join(root, 'p.html'))).toBe(false);
  });
});

describe('sandbox port', { timeout: 60_000 }, () => {
  it.each(['99999', '-1', '80.5', 'abc'])('`sandbox --port %s` is SANDBOX_PORT_INVALID', async (port) => {
    const r = await runCli(home, 'sandbox', '--port', port, '--data', path.join(root, 'sb'));
    expect(printedError(r)).toEqual({ code: 'SANDBOX_PORT_INVALID', stack: false });
    expect(r.code).toBe(2);
  });

  it('a port another program holds is SANDBOX_PORT_IN_USE', async () => {
    const busy = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    try {
      const port = (busy.address() as net.AddressInfo).port;
      const r = await runCli(home, 'sandbox', '--port', String(port), '--data', path.join(root, 'sb-busy'));
      expect(printedError(r)).toEqual({ code: 'SANDBOX_PORT_IN_USE', stack: false });
    } finally {
      busy.close();
    }
  });

  it('`--data` under /proc or inside a file is SANDBOX_DATA_INVALID', async () => {
    expect(printedError(await runCli(home, 'sandbox', '--port', '0', '--data', '/proc/konnektor-sandbox'))).toEqual({ code: 'SANDBOX_DATA_INVALID', stack: false });
    const file = path.join(root, 'sandbox-file');
    fs.writeFileSync(file, 'x');
    expect(printedError(await runCli(home, 'sandbox', '--port', '0', '--data', path.join(file, 'data')))).toEqual({ code: 'SANDBOX_DATA_INVALID', stack: false });
  });

  it('`--step-ms -5` is SANDBOX_OPTION_INVALID', async () => {
    const r = await runCli(home, 'sandbox', '--port', '0', '--step-ms', '-5', '--data', path.join(root, 'sb'));
    expect(printedError(r)).toEqual({ code: 'SANDBOX_OPTION_INVALID', stack: false });
  });
});

describe('home folder and local store', { timeout: 60_000 }, () => {
  it('a KONNEKTOR_HOME that is a file is LOCAL_HOME_INVALID; the file is untouched', async () => {
    const file = path.join(root, 'home-file');
    fs.writeFileSync(file, 'not a folder');
    const r = await runCli(file, 'status');
    expect(printedError(r)).toEqual({ code: 'LOCAL_HOME_INVALID', stack: false });
    expect(r.code).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('a KONNEKTOR_HOME below a file is LOCAL_HOME_INVALID', async () => {
    const file = path.join(root, 'home-file-2');
    fs.writeFileSync(file, '');
    const r = await runCli(path.join(file, 'home'), 'status');
    expect(printedError(r)).toEqual({ code: 'LOCAL_HOME_INVALID', stack: false });
  });

  it('a corrupt local store is LOCAL_STORE_CORRUPT and stays byte for byte as it was', async () => {
    const broken = path.join(root, 'corrupt-home');
    fs.mkdirSync(broken);
    const bytes = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]);
    fs.writeFileSync(path.join(broken, 'konnektor.sqlite'), bytes);
    const r = await runCli(broken, 'status');
    expect(printedError(r)).toEqual({ code: 'LOCAL_STORE_CORRUPT', stack: false });
    expect(r.code).toBe(1);
    expect(fs.readFileSync(path.join(broken, 'konnektor.sqlite')).equals(bytes)).toBe(true);
    const text = path.join(root, 'text-home');
    fs.mkdirSync(text);
    fs.writeFileSync(path.join(text, 'konnektor.sqlite'), 'hello, not a database\n'.repeat(100));
    expect(printedError(await runCli(text, 'status'))).toEqual({ code: 'LOCAL_STORE_CORRUPT', stack: false });
  });

  it('a store that is a folder is LOCAL_STORE_UNAVAILABLE', async () => {
    const odd = path.join(root, 'odd-home');
    fs.mkdirSync(path.join(odd, 'konnektor.sqlite'), { recursive: true });
    const r = await runCli(odd, 'status');
    expect(printedError(r)).toEqual({ code: 'LOCAL_STORE_UNAVAILABLE', stack: false });
  });
});
