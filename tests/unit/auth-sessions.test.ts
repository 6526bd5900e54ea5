import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRegistry, actorOf, createFileKeyVault, fileKeyCipher, sessionsFor } from '../../core/auth';

const target = { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB', firm: '002', period: '02' };

describe('session registry', () => {
  it('expires staff sessions sooner than customer sessions and says which error applies', () => {
    let now = Date.parse('2026-12-01T09:00:00Z');
    const reg = new SessionRegistry({ now: () => new Date(now), ttlMs: 8 * 3600_000, staffTtlMs: 30 * 60_000 });
    const customer = reg.create({ module: 'efatura', user: 'demo', staff: false, target, integrator: 'http://127.0.0.1:1' }, { user: 'demo', password: 'p' });
    const staff = reg.create({ module: 'efatura', user: 'demo', staff: true, staffUser: 'efinans.destek', target, integrator: 'http://127.0.0.1:1' }, { user: 'efinans.destek', password: 'q' });
    expect(Date.parse(staff.expiresAt) - now).toBeLessThan(Date.parse(customer.expiresAt) - now);
    expect(actorOf(staff)).toEqual({ actor: 'efinans.destek', staff: true });
    expect(actorOf(customer)).toEqual({ actor: 'demo', staff: false });
    expect(() => reg.requireStaff(customer.id)).toThrow(expect.objectContaining({ code: 'AUTH_STAFF_REQUIRED' }));
    now += 31 * 60_000;
    expect(reg.require(customer.id).user).toBe('demo');
    expect(() => reg.require(staff.id)).toThrow(expect.objectContaining({ code: 'AUTH_SESSION_EXPIRED' }));
    // An expired session is gone: asking again is "log in", not "expired" twice.
    expect(() => reg.require(staff.id)).toThrow(expect.objectContaining({ code: 'AUTH_REQUIRED' }));
    expect(() => reg.require(undefined)).toThrow(expect.objectContaining({ code: 'AUTH_REQUIRED' }));
  });

  it('gives every handler of one API the same registry', () => {
    const deps = {};
    expect(sessionsFor(deps)).toBe(sessionsFor(deps));
    expect(sessionsFor({})).not.toBe(sessionsFor(deps));
  });
});

describe('vault with a file key (browser mode)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-vault-'));
    dirs.push(d);
    return d;
  };

  it('stores secrets encrypted, with a 0600 key, and never in plain text', async () => {
    const dir = tmp();
    const vault = createFileKeyVault(dir);
    await vault.put('integrator:efatura', 'çok-gizli-şifre');
    expect(await vault.get('integrator:efatura')).toBe('çok-gizli-şifre');
    expect(fs.readFileSync(path.join(dir, 'vault.json'), 'utf8')).not.toContain('gizli');
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, 'vault.key')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dir, 'vault.json')).mode & 0o777).toBe(0o600);
    }
    // A second process reads what the first wrote.
    expect(await createFileKeyVault(dir).get('integrator:efatura')).toBe('çok-gizli-şifre');
    await vault.delete('integrator:efatura');
    expect(await vault.get('integrator:efatura')).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('refuses a key file others can read', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'vault.key'), Buffer.alloc(32).toString('base64'), { mode: 0o644 });
    fs.chmodSync(path.join(dir, 'vault.key'), 0o644);
    expect(() => fileKeyCipher(path.join(dir, 'vault.key'))).toThrow(expect.objectContaining({ code: 'VAULT_UNAVAILABLE' }));
  });
});
