import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactServer } from '../../core/erp/target';
import { KonnektorError } from '../../core/errors';
import { logger } from '../../core/logging';
import { mapErpError, parseServer } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { saveProfile } from '../../db/profiles';
import { startTdsLoginRefuser } from '../fixtures/tdsLoginRefuser';

/**
 * ERP passwords never leak: redaction finds the credentials the way the connection does (a password with `@`, `:`,
 * `/`, `#`, `%`… is hidden whole) in errors, logs and the saved profile, and the CLI never takes the password on
 * its command line (where every user of the machine sees it in the process list): `--erp-password-env VAR`.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'konnektor.js');

/** Passwords as users type them; each with a distinctive core so any leaked piece is recognisable. */
const PASSWORDS = ['Qx7@Lk', 'Qx7@Lk@Zw', 'Qx7:Lk', 'Qx7%40Lk', 'Qx7/Lk', 'Qx7#Lk', 'Qx7?Lk', 'Qx7%Lk', 'Qx7 Lk', 'Qx7@:/Lk', '@Qx7Lk@', 'Qx7\\Lk'];

/** Every 3-character piece of the password (and of its decoded form) that has a letter or digit of it. */
function pieces(password: string): string[] {
  const forms = new Set([password]);
  try {
    forms.add(decodeURIComponent(password));
  } catch {
    // not decodable: the raw form is what may leak
  }
  const out = new Set<string>();
  for (const f of forms) for (let i = 0; i + 3 <= f.length; i++) if (/[A-Za-z0-9]/.test(f.slice(i, i + 3))) out.add(f.slice(i, i + 3));
  return [...out];
}

function expectNoPiece(text: string, password: string, where: string): void {
  for (const p of pieces(password)) expect(text, `${where}: "${p}" of ${JSON.stringify(password)} in ${text}`).not.toContain(p);
}

const urls = (pw: string) => [
  `mssql://konnektor:${pw}@sql01.local:1433/LOGO?encrypt=true`,
  `mssql://konnektor:${pw}@sql01.local`,
  `mssql://konnektor:${pw}@10.0.0.5/TIGER`,
];

let dir: string;
let store: LocalStore;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-erp-pw-'));
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
});
afterAll(async () => {
  await store.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ERP passwords with characters that need URL encoding', () => {
  it('are hidden whole by the redaction of server URLs', () => {
    let cases = 0;
    for (const pw of PASSWORDS) {
      for (const url of urls(pw)) {
        const shown = redactServer(url);
        expectNoPiece(shown, pw, 'redactServer');
        expect(shown).toMatch(/^mssql:\/\/(konnektor:)?\*\*\*@/);
        cases++;
      }
    }
    // Nothing to hide: the address stays as typed.
    expect(redactServer('mssql://konnektor@sql01:1433/LOGO')).toBe('mssql://konnektor@sql01:1433/LOGO');
    expect(redactServer('sqlite:/home/u/demo')).toBe('sqlite:/home/u/demo');
    console.log(`ERP server URLs redacted: ${cases}`);
  });

  it('never appear in the errors of a bad or unreachable address', () => {
    for (const pw of PASSWORDS) {
      for (const url of [...urls(pw), `postgres://sa:${pw}@h/db`, `mssql://sa:${pw}@/LOGO`]) {
        let text = '';
        try {
          const parsed = parseServer(url);
          text = JSON.stringify(mapErpError(Object.assign(new Error(`connect ETIMEDOUT while contacting ${url}`), { code: 'ETIMEOUT' }), { server: url, database: 'LOGODB' }).toJSON());
          expect(parsed.kind).toBe('mssql');
        } catch (e) {
          expect(e).toBeInstanceOf(KonnektorError);
          text = JSON.stringify((e as KonnektorError).toJSON());
        }
        expectNoPiece(text, pw, `error of ${redactServer(url)}`);
      }
    }
  });

  it('never appear in a log line, wherever they stand in it', () => {
    const lines: string[] = [];
    const transport = new winston.transports.Stream({
      stream: new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
      level: 'debug',
    });
    logger.add(transport);
    const level = logger.level;
    logger.level = 'debug';
    try {
      for (const pw of PASSWORDS) {
        const url = urls(pw)[0]!;
        // The connection has seen it (or refused it): from now on it is a known secret.
        try {
          parseServer(url);
        } catch (e) {
          expect((e as KonnektorError).code).toBe('ERP_SERVER_URL_INVALID');
        }
        logger.warn(`could not connect to ${url} (timeout)`, { server: url, detail: `tedious: Failed to connect to ${url}`, nested: { text: `login ${pw} refused` } });
      }
    } finally {
      logger.remove(transport);
      logger.level = level;
    }
    expect(lines).toHaveLength(PASSWORDS.length);
    for (const [i, pw] of PASSWORDS.entries()) expectNoPiece(lines[i]!, pw, 'log line');
  });

  it('are not saved in the profile', async () => {
    for (const [i, pw] of PASSWORDS.entries()) {
      const saved = await saveProfile(store, {
        module: 'efatura',
        companyVkn: String(1000000000 + i),
        fiscalYear: 2026,
        branch: '',
        target: { connector: 'logo', server: urls(pw)[0]!, database: 'LOGODB', firm: '001', period: '01' },
        integrator: {},
      });
      expectNoPiece(saved.target.server, pw, 'saved profile');
    }
    const raw = fs.readFileSync(path.join(dir, 'konnektor.sqlite')).toString('latin1') + (fs.existsSync(path.join(dir, 'konnektor.sqlite-wal')) ? fs.readFileSync(path.join(dir, 'konnektor.sqlite-wal')).toString('latin1') : '');
    for (const pw of PASSWORDS) expectNoPiece(raw, pw, 'store file');
  });
});

function konnektor(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, KONNEKTOR_HOME: path.join(dir, 'home'), KONNEKTOR_LOG_LEVEL: 'error', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the ERP password on the command line', () => {
  it('is refused in --server (the process list shows it), with its own code', async () => {
    const r = await konnektor(['databases', '--server', 'mssql://sa:Qx7@Lk@127.0.0.1:1?connectTimeout=2000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ERP_PASSWORD_ON_COMMAND_LINE');
    expect(r.stderr).toContain('--erp-password-env');
    expectNoPiece(r.stderr, 'Qx7@Lk', 'stderr');
  });

  it('comes from --erp-password-env and reaches SQL Server intact, whatever characters it has', async () => {
    const server = await startTdsLoginRefuser({ number: 18456, message: "Login failed for user 'konnektor'." });
    try {
      const password = 'Qx7@:/#?% Lk';
      const r = await konnektor(['databases', '--server', `mssql://konnektor@127.0.0.1:${server.port}?connectTimeout=5000`, '--erp-password-env', 'KNK_ERP_PW'], { KNK_ERP_PW: password });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ERP_LOGIN_FAILED');
      expectNoPiece(r.stderr + r.stdout, password, 'output');
      expect(server.logins).toEqual([{ user: 'konnektor', password }]);
      const empty = await konnektor(['databases', '--server', `mssql://konnektor@127.0.0.1:${server.port}`, '--erp-password-env', 'KNK_YOK']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('KNK_YOK');
    } finally {
      await server.close();
    }
  });
});
