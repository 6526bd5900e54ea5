import type { Element } from '@xmldom/xmldom';
import { KonnektorError } from '../errors';
import { SoapCaller } from './caller';
import { badResponse } from './faults';
import { EDEFTER_NAMESPACE, EDEFTER_OPERATIONS, EDEFTER_RESULT, EDEFTER_SERVICE_PATH } from './edefterProtocol';
import { RequestRateLimiter } from './rateLimit';
import { childText, childrenNamed, type Field } from './soap';
import { SoapTransport, endpointLabel } from './transport';
import type { IntegratorCredentials } from './types';

/**
 * Client of QNB's `DefterOlusturWebServices` (edefterProtocol.ts): CSV parts up, status, ledger creation, and the
 * sealing exchange (inferred; see edefterProtocol.ts). Authentication is WS-Security UsernameToken like the other
 * eFinans services; a refused password is never presented again (SoapCaller).
 */
export interface EdefterFile {
  name: string;
  content: Buffer;
}

export interface EdefterStatus {
  durumKodu: string;
  durumAciklama?: string;
  /** QNB's error file (the CSV lines it refused), decoded. */
  hataDosya?: Buffer;
}

export interface EdefterClient {
  uploadCsv(req: { month: string; branch: string; taxId: string; file: EdefterFile }): Promise<{ sonucKodu: string; sonucAciklama?: string }>;
  status(req: { month: string; taxId: string }): Promise<EdefterStatus>;
  process(req: { month: string; branch: string; taxId: string }): Promise<{ sonucKodu: string; sonucAciklama?: string }>;
  fetchForSealing(req: { month: string; branch: string; taxId: string }): Promise<EdefterFile[]>;
  uploadSealed(req: { month: string; branch: string; taxId: string; files: EdefterFile[] }): Promise<{ sonucKodu: string; sonucAciklama?: string }>;
  fetchApproved(req: { month: string; branch: string; taxId: string }): Promise<EdefterFile[]>;
  close(): Promise<void>;
}

/** `production` has no known address yet [?]; `test` is QNB's test host [R]; else the base URL of a host (the sandbox). */
export function edefterServiceUrl(base: string): URL {
  const name = base.trim().toLowerCase();
  if (name === 'test') return new URL(`https://edeftertest.efinans.com.tr${EDEFTER_SERVICE_PATH}`);
  if (name === 'production' || name === 'canli' || name === 'canlı') {
    throw new KonnektorError('AUTH_INTEGRATOR_REQUIRED', 'the production address of QNB’s e-Defter service is not known; set it in Bağlantı Ayarları', { value: base });
  }
  try {
    return new URL(`${base.trim().replace(/\/+$/, '')}${EDEFTER_SERVICE_PATH}`);
  } catch {
    throw new KonnektorError('INPUT_INVALID', 'e-Defter integrator address is not a URL', { value: base });
  }
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

export function createEdefterClient(options: { url: URL; credentials: IntegratorCredentials; timeoutMs?: number }): EdefterClient {
  if (options.url.protocol === 'http:' && !LOOPBACK.test(options.url.hostname)) {
    throw new KonnektorError('INPUT_INVALID', 'e-Defter integrator address must be https:// (the password would travel unencrypted)', { value: options.url.href });
  }
  const transport = new SoapTransport({ timeoutMs: options.timeoutMs ?? 120_000, maxResponseBytes: 512 * 1024 * 1024 });
  const caller = new SoapCaller({
    credentials: { ...options.credentials, auth: 'usernameToken' },
    userService: options.url,
    transport,
    ...(LOOPBACK.test(options.url.hostname) ? {} : { limiter: new RequestRateLimiter(150) }),
  });
  const endpoint = endpointLabel(options.url);
  const call = (operation: string, arg0: readonly Field[]) => caller.call({ url: options.url, namespace: EDEFTER_NAMESPACE, operation, params: [['arg0', arg0]] });
  const donem = (month: string) => month.replace('-', '');
  const result = (response: Element, operation: string, expected: string) => {
    const ret = childrenNamed(response, 'return')[0];
    const sonucKodu = ret ? childText(ret, 'sonucKodu') : undefined;
    if (!ret || !sonucKodu) throw badResponse({ operation, endpoint }, 'no sonucKodu in the answer', false);
    const sonucAciklama = childText(ret, 'sonucAciklama');
    if (sonucKodu !== expected) {
      throw new KonnektorError('INTEGRATOR_FAULT', `${operation}: ${sonucKodu} ${sonucAciklama ?? ''}`.trim(), { operation, sonucKodu, sonucAciklama, transient: false });
    }
    return { ret, sonucKodu, ...(sonucAciklama ? { sonucAciklama } : {}) };
  };
  const files = (ret: Element): EdefterFile[] => {
    const list = childrenNamed(ret, 'parametreList')[0];
    if (!list) return [];
    return childrenNamed(list, 'entry').map((e) => ({ name: childText(e, 'key') ?? '', content: Buffer.from(childText(e, 'value') ?? '', 'base64') }));
  };
  const fileEntries = (list: readonly EdefterFile[]): Field => ['parametreList', list.map((f): Field => ['entry', [['key', f.name], ['value', f.content.toString('base64')]]])];

  return {
    async uploadCsv(req) {
      const op = EDEFTER_OPERATIONS.upload;
      const r = await call(op, [
        ['donem', donem(req.month)],
        ['subeKodu', req.branch],
        ['vknTckn', req.taxId],
        ['parametreList', [['entry', [['key', 'dosyaIsmi'], ['value', req.file.name]]], ['entry', [['key', 'dosya'], ['value', req.file.content.toString('base64')]]]]],
      ]);
      const { sonucKodu, sonucAciklama } = result(r, op, EDEFTER_RESULT.uploaded);
      return { sonucKodu, ...(sonucAciklama ? { sonucAciklama } : {}) };
    },
    async status(req) {
      const op = EDEFTER_OPERATIONS.status;
      const r = await call(op, [['donem', donem(req.month)], ['vknTckn', req.taxId], ['yuklenenDefterTuru', 'csv']]);
      result(r, op, EDEFTER_RESULT.statusReturned);
      const arg1 = childrenNamed(r, 'arg1')[0];
      const durumKodu = arg1 ? childText(arg1, 'durumKodu') : undefined;
      if (!arg1 || !durumKodu) throw badResponse({ operation: op, endpoint }, 'no durumKodu in the answer', false);
      const durumAciklama = childText(arg1, 'durumAciklama');
      const hata = childText(arg1, 'hataDosya');
      return { durumKodu, ...(durumAciklama ? { durumAciklama } : {}), ...(hata ? { hataDosya: Buffer.from(hata, 'base64') } : {}) };
    },
    async process(req) {
      const op = EDEFTER_OPERATIONS.process;
      const r = await call(op, [['donem', donem(req.month)], ['subeKodu', req.branch], ['vknTckn', req.taxId], ['yuklenenDefterTuru', 'csv']]);
      const { sonucKodu, sonucAciklama } = result(r, op, EDEFTER_RESULT.queued);
      return { sonucKodu, ...(sonucAciklama ? { sonucAciklama } : {}) };
    },
    async fetchForSealing(req) {
      const op = EDEFTER_OPERATIONS.fetchForSealing;
      const r = await call(op, [['donem', donem(req.month)], ['subeKodu', req.branch], ['vknTckn', req.taxId]]);
      return files(result(r, op, EDEFTER_RESULT.filesForSealing).ret);
    },
    async uploadSealed(req) {
      const op = EDEFTER_OPERATIONS.uploadSealed;
      const r = await call(op, [['donem', donem(req.month)], ['subeKodu', req.branch], ['vknTckn', req.taxId], fileEntries(req.files)]);
      const { sonucKodu, sonucAciklama } = result(r, op, EDEFTER_RESULT.sealedAccepted);
      return { sonucKodu, ...(sonucAciklama ? { sonucAciklama } : {}) };
    },
    async fetchApproved(req) {
      const op = EDEFTER_OPERATIONS.fetchApproved;
      const r = await call(op, [['donem', donem(req.month)], ['subeKodu', req.branch], ['vknTckn', req.taxId]]);
      return files(result(r, op, EDEFTER_RESULT.approvedReturned).ret);
    },
    async close() {
      await caller.logout();
      transport.close?.();
    },
  };
}
