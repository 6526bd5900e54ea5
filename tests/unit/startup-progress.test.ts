import { describe, expect, it } from 'vitest';
import { StartupProgress, startingApi } from '../../core/api/startup';
import { KonnektorError } from '../../core/errors';
import { reportCompile } from '../../core/validation/compileProgress';

describe('a first start that explains itself', () => {
  it('prints each step and every compile of GİB’s rules as it starts and ends, with a running count of seconds', async () => {
    const lines: string[] = [];
    const progress = new StartupProgress((l) => lines.push(l), 20);
    progress.step('demo', 'Örnek muhasebe veri tabanları hazırlanıyor', 'started');
    progress.step('demo', 'Örnek muhasebe veri tabanları hazır', 'done');
    reportCompile({ phase: 'start', what: 'GİB şematron kuralları', key: 'abc123' });
    await new Promise((r) => setTimeout(r, 60));
    expect(progress.status()).toMatchObject({ ready: false, steps: [{ id: 'demo', state: 'done' }, { id: 'compile:abc123', state: 'started' }] });
    reportCompile({ phase: 'done', what: 'GİB şematron kuralları', key: 'abc123', origin: 'compiled', ms: 61_000 });
    // From the cache there is nothing to tell.
    reportCompile({ phase: 'done', what: 'GİB e-Defter yevmiye şematron kuralları', key: 'def456', origin: 'cached', ms: 3 });
    progress.finish();
    expect(lines[0]).toBe('• Örnek muhasebe veri tabanları hazırlanıyor…');
    expect(lines).toContain('✓ Örnek muhasebe veri tabanları hazır');
    expect(lines.some((l) => l.startsWith('• GİB şematron kuralları derleniyor (bu GİB sürümü için yalnızca bir kez'))).toBe(true);
    expect(lines.some((l) => /^ {2}… GİB şematron kuralları derleniyor.*: \d+ sn$/.test(l))).toBe(true);
    expect(lines).toContain('✓ GİB şematron kuralları hazır');
    expect(lines.join('\n')).not.toContain('e-Defter');
    expect(progress.status()).toMatchObject({ ready: true });
    // After the start-up, compiles are no longer printed by it.
    const before = lines.length;
    reportCompile({ phase: 'start', what: 'GİB şematron kuralları', key: 'zzz' });
    expect(lines).toHaveLength(before);
  });

  it('answers app.startup at once while other calls wait for the runtime, and reports a failed start', async () => {
    const progress = new StartupProgress();
    let resolve!: (api: { 'session.defaults'(i: unknown): Promise<string> }) => void;
    const api = startingApi(new Promise<{ 'session.defaults'(i: unknown): Promise<string> }>((r) => (resolve = r)), progress) as unknown as Record<string, (i: unknown) => Promise<unknown>>;
    expect(await api['app.startup']!({})).toMatchObject({ ready: false });
    const waiting = api['session.defaults']!({ module: 'efatura' });
    resolve({ 'session.defaults': async () => 'defaults' });
    progress.finish();
    expect(await waiting).toBe('defaults');
    expect(await api['app.startup']!({})).toMatchObject({ ready: true });

    const failed = new StartupProgress();
    const broken = startingApi(Promise.reject(new KonnektorError('GIB_PACKAGE_MISSING', 'no package')), failed) as unknown as Record<string, (i: unknown) => Promise<unknown>>;
    failed.finish(new KonnektorError('GIB_PACKAGE_MISSING', 'no package'));
    expect(await broken['app.startup']!({})).toMatchObject({ ready: false, error: { code: 'GIB_PACKAGE_MISSING', message: expect.stringContaining('konnektor gib install') } });
    await expect(broken['session.defaults']!({})).rejects.toMatchObject({ code: 'GIB_PACKAGE_MISSING' });
  });
});
