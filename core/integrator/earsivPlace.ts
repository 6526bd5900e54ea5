import { KonnektorError } from '../errors';
import type { EarsivPlace } from './types';

/**
 * e-Arşiv's `sube` and `kasa` name a configuration record the company keeps in QNB's portal (series, template,
 * mailing; efinans-despatch-receipts-ledger.md §4.1): short codes such as `DFLT`, `0000` or `MERKEZ`. They travel in
 * the request's JSON, never into SQL, but a typo would pick no record (AE00008), so they are checked here.
 */
const PLACE_CODE = /^[A-Za-z0-9_-]{1,20}$/;
export const DEFAULT_EARSIV_PLACE_CODE = 'DFLT';

export function normalizeEarsivPlace(input: { branch?: string | undefined; till?: string | undefined }): EarsivPlace {
  const check = (value: string | undefined, field: 'branch' | 'till'): string => {
    const v = (value ?? '').trim();
    if (v === '') return DEFAULT_EARSIV_PLACE_CODE;
    if (!PLACE_CODE.test(v)) {
      throw new KonnektorError('EARSIV_PLACE_INVALID', `e-Arşiv ${field === 'branch' ? 'sube' : 'kasa'} must be 1 to 20 letters, digits, - or _, got ${JSON.stringify(value)}`, {
        field,
        value: value ?? '',
      });
    }
    return v;
  };
  return { branch: check(input.branch, 'branch'), till: check(input.till, 'till') };
}
