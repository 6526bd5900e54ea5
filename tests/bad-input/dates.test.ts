import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { parseInput } from '../../core/api/input';
import { isCalendarDate } from '../../core/time';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { SHIPPED } from '../../runtime/shipped';

/**
 * A date that is no day of the calendar (30 February, month 13, day 00) is ERP_DATE_INVALID wherever a date is
 * typed — the ERP document filters and the incoming list alike — never a filter that silently matches nothing.
 */
const NOT_DAYS = ['2026-02-30', '2025-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '2026-01-00', '2026-1-5', '05.01.2026', '2026-01-01T00:00'];

let dir: string;
let store: LocalStore;
let api: KonnektorService;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-dates-'));
  fs.mkdirSync(path.join(dir, 'erp'));
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections: new ErpConnections(), store: async () => store });
});
afterAll(async () => {
  await api.close();
  await store.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dates', () => {
  it('knows the calendar: leap years, month lengths', () => {
    expect(['2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30'].every(isCalendarDate)).toBe(true);
    expect(NOT_DAYS.some(isCalendarDate)).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
  });

  it.each(NOT_DAYS)('the incoming list refuses %s with ERP_DATE_INVALID naming the value', async (date) => {
    await expect(api['incoming.list']({ module: 'efatura', from: date })).rejects.toMatchObject({ code: 'ERP_DATE_INVALID', details: { value: date } });
    await expect(api['incoming.list']({ module: 'efatura', to: date })).rejects.toMatchObject({ code: 'ERP_DATE_INVALID' });
  });

  it.each(NOT_DAYS)('the ERP document list refuses %s with ERP_DATE_INVALID before reading the ERP', async (date) => {
    const target = { connector: 'logo', server: `sqlite:${path.join(dir, 'erp')}`, database: 'LOGODB', firm: '1', period: '1' };
    await expect(api['documents.listOutgoing']({ target, module: 'efatura', from: date })).rejects.toMatchObject({ code: 'ERP_DATE_INVALID' });
  });

  it('a schema date field names its own code; other bad fields stay INPUT_INVALID', () => {
    expect(() => parseInput('incoming.list', { module: 'efatura', from: '2026-02-30' })).toThrow(expect.objectContaining({ code: 'ERP_DATE_INVALID' }));
    expect(() => parseInput('incoming.list', { module: 'efatura', from: '2026-02-28', limit: -1 })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    expect(parseInput('incoming.list', { module: 'efatura', from: '2024-02-29' })).toMatchObject({ from: '2024-02-29' });
  });
});
