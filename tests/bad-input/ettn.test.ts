import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ETTN_FORM, assignEttn, ettnFromErp } from '../../core/documents/numbering';
import { openLocalStore, type LocalStore } from '../../db/local';

/**
 * An ERP GUID that is no UUID (36 dashes, a wrong length, a letter past f) is never taken as the ETTN: the document
 * gets its own ERP_ETTN_INVALID and a fresh UUID is kept for it; once the user corrects the GUID in the ERP — the
 * document not yet sent — the corrected GUID becomes its ETTN. The list and export side of it: erp-rows.test.ts.
 */
const MALFORMED = [
  '-'.repeat(36),
  '6f9619ff8b86d011b42d00c04fc964ff',
  '6f9619ff-8b86-d011-b42d-00c04fc964f',
  '6f9619ff-8b86-d011-b42d-00c04fc964ffa',
  '6g9619ff-8b86-d011-b42d-00c04fc964ff',
  '6f9619ff-8b86-d011-b42d_00c04fc964ff',
  '{6f9619ff-8b86-d011-b42d-00c04fc964ff',
  'null',
  '00000000-0000-0000-0000-00000000000',
];
const CORRECTED = '6F9619FF-8B86-D011-B42D-00C04FC964FF';

let db: LocalStore;
beforeAll(async () => {
  db = await openLocalStore(':memory:');
});
afterAll(() => db.destroy());

const key = (k: string) => ({ companyVkn: '4703101339', module: 'efatura', ref: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: k } });

describe('ETTN from the ERP', () => {
  it('takes a UUID in any case, with or without braces, and nothing else', () => {
    expect(ettnFromErp(CORRECTED)).toBe(CORRECTED.toLowerCase());
    expect(ettnFromErp(`{${CORRECTED}}`)).toBe(CORRECTED.toLowerCase());
    for (const bad of MALFORMED) expect([bad, ettnFromErp(bad)]).toEqual([bad, undefined]);
  });

  it.each(MALFORMED.map((m, i) => [m, i]))('%s is that document’s ERP_ETTN_INVALID; a fresh UUID is kept, the corrected GUID taken later', async (bad, i) => {
    const first = await assignEttn(db, key(`R${i}`), bad as string);
    expect(first.problem).toMatchObject({ rule: 'ERP_ETTN_INVALID' });
    expect(ETTN_FORM.test(first.ettn)).toBe(true);
    expect(first.ettn).not.toBe(String(bad).toLowerCase());
    // Asked again with the same bad GUID: the same kept UUID, the same problem.
    const again = await assignEttn(db, key(`R${i}`), bad as string);
    expect(again).toMatchObject({ ettn: first.ettn, problem: { rule: 'ERP_ETTN_INVALID' } });
    // The user corrects the GUID in the ERP (each row its own GUID): taken, no problem.
    const corrected = CORRECTED.replace(/.{2}$/, String(i).padStart(2, '0'));
    const fixed = await assignEttn(db, key(`R${i}`), corrected);
    expect(fixed).toEqual({ ettn: corrected.toLowerCase() });
  });
});
