/**
 * `runSandboxCommand` (wired as `konnektor sandbox`): prints the URL, the sandbox-only accounts and the admin
 * token, serves until SIGINT, then shuts down cleanly (the process exits on its own).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-sandbox-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sandbox command', () => {
  it('prints URL, accounts and admin token, serves, and stops on SIGINT', async () => {
    const script = path.join(dir, 'run.mts');
    const cli = pathToFileURL(path.resolve(__dirname, '../../sandbox/server/cli.ts')).href;
    fs.writeFileSync(script, `import { runSandboxCommand } from ${JSON.stringify(cli)};\nawait runSandboxCommand({ port: 0, dataDir: ${JSON.stringify(path.join(dir, 'data'))}, stepMs: 50 });\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!out.includes('Ctrl+C') && Date.now() - started < 30_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(out, err).toContain('Ctrl+C');
    const url = /eFinans sandbox çalışıyor: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect(out).toContain('demo / demo123');
    expect(out).toContain('efinans.destek / destek123');
    expect(out).toContain('YALNIZCA bu sandbox için');
    const token = /Authorization: Bearer (\S+)/.exec(out)![1]!;
    expect((await fetch(`${url}/connector/ws/connectorService?wsdl`)).status).toBe(200);
    expect((await fetch(`${url}/admin/state`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('kapatılıyor');
  }, 60_000);
});
