import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { isKonnektorError } from '../errors';
import { logger } from '../logging';
import type { SoapCaller } from './caller';
import { badResponse } from './faults';
import { NS, childText, childrenNamed, elementChildren, type Field } from './soap';
import { endpointLabel, type CallContext } from './transport';
import { PayloadError, decodeBase64, unpack } from './zip';
import type {
  EfaturaClient,
  IncomingClient,
  IncomingDocType,
  IncomingDocument,
  KontorTipi,
  IncomingFile,
  OutgoingStatus,
  RegisteredUserInfo,
  ResendOptions,
  SendInvoiceRequest,
  StatusQueryKey,
} from './types';

/**
 * connectorService (e-Fatura): operation and parameter names from the WSDL-generated clients and QNB's samples
 * (integrator-api.md §5–§13). Structures list their fields in the WSDL's (alphabetical) order.
 */
export interface ConnectorOptions {
  url: URL;
  erpCode: string;
  belgeHashCase: 'lower' | 'upper';
  /** The company's own GB alias (settings): every send and resend goes out from it unless the call names another. */
  senderAlias?: string;
}

/** QNB's samples send 1.0 with belgeGonderExt; the meaning of the value is undocumented (§6, §20.3). */
export const BELGE_VERSIYON = '1.0';
/** QNB's C#/Java samples; the SoapUI sample writes `application_xml`, reported to work as well (§6). */
export const MIME_TYPE = 'application/xml';
/** gidenBelgeDurumv2: v1 plus ulastiMi and yenidenGonderilebilirMi (§7). */
export const STATUS_VERSION = '2.0';
/** Longest pause inside the user-list download once it has started. */
const USER_LIST_IDLE_MS = 120_000;
/** belgev6: every field of §9, profileId included. */
export const INCOMING_VERSION = '6.0';

const RESEND_OPERATION = {
  ETTN: ['belgeleriTekrarGonder', 'ettn'],
  OID: ['belgeleriTekrarGonderBelgeOid', 'belgeOid'],
  YEREL: ['belgeleriTekrarGonderYerelBelgeNo', 'yerelBelgeNo'],
} as const;

/** A "not found" fault of a status query: the integrator does not know the document (measured by [NOKTA]). */
const NOT_FOUND = /bulunamad|kay[ıi]t\s+yok|bulunmamaktad|mevcut\s+de[ğg]il|not\s+found/i;

function integer(el: Element, name: string, ctx: CallContext, fallback?: number): number {
  const text = childText(el, name);
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw badResponse(ctx, `${name} is missing`, false);
  }
  const n = Number(text);
  if (!Number.isInteger(n)) throw badResponse(ctx, `${name} is not an integer: ${text}`, false);
  return n;
}

const bool = (el: Element, name: string): boolean | undefined => {
  const text = childText(el, name);
  return text === undefined ? undefined : text === 'true';
};

/** Only the fields that are present, so optional properties stay absent rather than undefined. */
function present<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function md5Hex(bytes: Buffer, upper: boolean): string {
  const hex = createHash('md5').update(bytes).digest('hex');
  return upper ? hex.toUpperCase() : hex;
}

export function createConnectorClients(caller: SoapCaller, options: ConnectorOptions): { efatura: EfaturaClient; incoming: IncomingClient } {
  const endpoint = endpointLabel(options.url);
  const ctxOf = (operation: string): CallContext => ({ operation, endpoint });
  const call = (operation: string, params: readonly Field[]) => caller.call({ url: options.url, namespace: NS.connector, operation, params });

  /** base64 in `<return>`, unpacked. */
  function payload(response: Element, operation: string): ReturnType<typeof unpack> {
    const text = childText(response, 'return');
    if (text === undefined) throw badResponse(ctxOf(operation), 'return is empty', false);
    try {
      return unpack(decodeBase64(text));
    } catch (e) {
      if (e instanceof PayloadError) throw badResponse(ctxOf(operation), e.message, false);
      throw e;
    }
  }

  const efatura: EfaturaClient = {
    async sendInvoice(req: SendInvoiceRequest) {
      const operation = 'belgeGonderExt';
      // veri is xs:base64Binary: the raw UBL bytes, encoded exactly once here; belgeHash is the MD5 of those bytes.
      const belgeHash = md5Hex(req.xml, options.belgeHashCase === 'upper');
      logger.debug('eFinans belgeGonderExt', { belgeNo: req.localDocNo, bytes: req.xml.length, belgeHash });
      const response = await call(operation, [
        [
          'parametreler',
          [
            ['alanEtiket', req.receiverAlias || undefined],
            ['belgeHash', belgeHash],
            ['belgeNo', req.localDocNo],
            ['belgeTuru', req.belgeTuru ?? 'FATURA_UBL'],
            ['belgeVersiyon', BELGE_VERSIYON],
            ['erpKodu', options.erpCode],
            ['gonderenEtiket', req.senderAlias || options.senderAlias || undefined],
            ['mimeType', MIME_TYPE],
            ['vergiTcKimlikNo', req.senderVkn],
            ['veri', req.xml.toString('base64')],
          ],
        ],
      ]);
      // The WSDL names the result belgeOid; some servers (and older proxies) answer with <return>.
      const belgeOid = childText(response, 'belgeOid') ?? childText(response, 'return');
      if (!belgeOid) throw badResponse(ctxOf(operation), 'no belgeOid in the answer', false);
      return { belgeOid };
    },

    async outgoingStatus(senderVkn: string, key: StatusQueryKey): Promise<OutgoingStatus | undefined> {
      const operation = 'gidenBelgeDurumSorgulaExt';
      let response: Element;
      try {
        response = await call(operation, [
          ['vergiTcKimlikNo', senderVkn],
          [
            'parametreler',
            [
              ['belgeNo', key.value],
              ['belgeNoTipi', key.by],
              ['belgeTuru', key.belgeTuru ?? 'FATURA'],
              ['donusTipiVersiyon', STATUS_VERSION],
            ],
          ],
        ]);
      } catch (e) {
        if (isKonnektorError(e) && e.code === 'INTEGRATOR_FAULT' && NOT_FOUND.test(String(e.details.faultstring ?? ''))) return undefined;
        throw e;
      }
      const ret = childrenNamed(response, 'return')[0];
      if (!ret || elementChildren(ret).length === 0) return undefined;
      const ctx = ctxOf(operation);
      return {
        durum: integer(ret, 'durum', ctx),
        gonderimDurumu: integer(ret, 'gonderimDurumu', ctx, 0),
        gonderimCevabiKodu: integer(ret, 'gonderimCevabiKodu', ctx, 0),
        yanitDurumu: integer(ret, 'yanitDurumu', ctx, -1),
        ...present({
          aciklama: childText(ret, 'aciklama'),
          ettn: childText(ret, 'ettn'),
          belgeNo: childText(ret, 'belgeNo'),
          gonderimCevabiDetayi: childText(ret, 'gonderimCevabiDetayi'),
          yanitDetayi: childText(ret, 'yanitDetayi'),
          ulastiMi: bool(ret, 'ulastiMi'),
          yenidenGonderilebilirMi: bool(ret, 'yenidenGonderilebilirMi'),
          alimTarihi: childText(ret, 'alimTarihi'),
          olusturulmaTarihi: childText(ret, 'olusturulmaTarihi'),
          gonderimTarihi: childText(ret, 'gonderimTarihi'),
          yanitTarihi: childText(ret, 'yanitTarihi'),
          yerelBelgeOid: childText(ret, 'yerelBelgeOid'),
        }),
      };
    },

    async resend(senderVkn: string, keys: string[], opts: ResendOptions = {}) {
      const [operation, listName] = RESEND_OPERATION[opts.by ?? 'ETTN'];
      const response = await call(operation, [
        ['vergiTcKimlikNo', senderVkn],
        ...keys.map((k): Field => [listName, k]),
        ['belgeTuru', opts.belgeTuru ?? 'FATURA'],
        ['alanEtiket', opts.receiverAlias || undefined],
        ['gonderenEtiket', opts.senderAlias || options.senderAlias || undefined],
      ]);
      return childText(response, 'return') === 'true';
    },

    async registeredUser(vkn: string): Promise<RegisteredUserInfo[]> {
      const response = await call('efaturaKullaniciBilgisi', [['vergiTcKimlikNo', vkn]]);
      return childrenNamed(response, 'return')
        .filter((r) => childText(r, 'etiket') !== undefined)
        .map((r) => ({
          vkn: childText(r, 'vergiTcKimlikNo') ?? vkn,
          alias: childText(r, 'etiket')!,
          title: childText(r, 'unvan') ?? '',
          kamu: childText(r, 'kamuKurulusu') === 'true',
          ...present({ registeredAt: childText(r, 'kayitZamani') }),
        }));
    },

    async registeredUserList(opts = {}) {
      const operation = 'kayitliKullaniciListeleExtended';
      const response = await call(operation, [
        ['urun', opts.urun ?? 'EFATURA'],
        ['gecmisEklensin', opts.withHistory ? 1 : 0],
      ]);
      const files = payload(response, operation);
      const file = files.find((f) => /\.xml$/i.test(f.name)) ?? files[0];
      if (!file) throw badResponse(ctxOf(operation), 'the zip holds no file', false);
      if (files.length > 1) logger.warn('eFinans user list zip holds several files; the first XML is used', { files: files.map((f) => f.name) });
      return file.data.toString('utf8').replace(/^\uFEFF/, '');
    },

    async downloadRegisteredUserList(sink, opts = {}) {
      const operation = 'kayitliKullaniciListeleExtended';
      const result = await caller.streamReturn(
        {
          url: options.url,
          namespace: NS.connector,
          operation,
          params: [
            ['urun', opts.urun ?? 'EFATURA'],
            ['gecmisEklensin', opts.withHistory ? 1 : 0],
          ],
        },
        sink,
        // The list is generated on QNB's side before the first byte comes; afterwards pieces keep coming.
        { idleTimeoutMs: USER_LIST_IDLE_MS },
      );
      if (!result.found || result.bytes === 0) throw badResponse(ctxOf(operation), 'no user list in the answer', false);
      return { bytes: result.bytes };
    },

    async creditBalance(vkn: string, kontorTipi: KontorTipi = 'FATURA') {
      const operation = 'kontorBilgisiGetir';
      const response = await call(operation, [
        ['vknTckn', vkn],
        ['kontorTipi', kontorTipi],
        ['kontorBirimi', 'ADET'],
      ]);
      const ret = childrenNamed(response, 'return')[0];
      const kalan = ret ? childText(ret, 'kalan') : undefined;
      // No kontör record at all: nothing left to spend.
      if (kalan === undefined) return 0;
      const n = Number(kalan);
      if (!Number.isFinite(n)) throw badResponse(ctxOf(operation), `kalan is not a number: ${kalan}`, false);
      return n;
    },
  };

  const incoming: IncomingClient = {
    async list(receiverVkn: string, opts: { after: string; belgeTuru?: IncomingDocType }): Promise<IncomingDocument[]> {
      const operation = 'gelenBelgeleriListeleExt';
      // sonAlinanBelgeSiraNumarasi must not be combined with gelisTarihi*, onayDurum, subeKodu or alanEtiket (§9).
      const response = await call(operation, [
        [
          'parametreler',
          [
            ['belgeTuru', opts.belgeTuru ?? 'FATURA'],
            ['donusTipiVersiyon', INCOMING_VERSION],
            ['erpKodu', options.erpCode],
            ['sonAlinanBelgeSiraNumarasi', opts.after],
            ['vergiTcKimlikNo', receiverVkn],
          ],
        ],
      ]);
      const ctx = ctxOf(operation);
      const docs = childrenNamed(response, 'return').map((r): IncomingDocument => {
        const belgeSiraNo = childText(r, 'belgeSiraNo');
        const ettn = childText(r, 'ettn');
        if (!belgeSiraNo || !ettn) throw badResponse(ctx, 'an incoming document without belgeSiraNo or ettn', false);
        return {
          belgeSiraNo,
          ettn,
          ...present({
            belgeNo: childText(r, 'belgeNo'),
            belgeTarihi: childText(r, 'belgeTarihi'),
            belgeTuru: childText(r, 'belgeTuru'),
            gonderenVknTckn: childText(r, 'gonderenVknTckn'),
            gonderenEtiket: childText(r, 'gonderenEtiket'),
            alanEtiket: childText(r, 'alanEtiket'),
            saticiUnvan: childText(r, 'saticiUnvan'),
            aliciUnvan: childText(r, 'aliciUnvan'),
            zarfId: childText(r, 'zarfId'),
            odenecekTutar: childText(r, 'odenecekTutar'),
            odenecekTutarDovizCinsi: childText(r, 'odenecekTutarDovizCinsi'),
            faturaGelisTarihi: childText(r, 'faturaGelisTarihi'),
            profileId: childText(r, 'profileId'),
          }),
        };
      });
      // The cursor is a number written as text; compare as numbers without losing digits.
      const order = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
      return docs.sort((a, b) => order(a.belgeSiraNo, b.belgeSiraNo));
    },

    async download(receiverVkn: string, ettns: string[], opts: { belgeTuru?: IncomingDocType; belgeFormati?: 'UBL' | 'HTML' | 'PDF' } = {}): Promise<IncomingFile[]> {
      const operation = 'gelenBelgeleriIndirExt';
      const response = await call(operation, [
        [
          'parametreler',
          [
            ['belgeFormati', opts.belgeFormati ?? 'UBL'],
            ['belgeTuru', opts.belgeTuru ?? 'FATURA'],
            ['erpKodu', options.erpCode],
            ...ettns.map((e): Field => ['ettn', e]),
            ['vergiTcKimlikNo', receiverVkn],
          ],
        ],
      ]);
      return payload(response, operation).map((f) => {
        const name = f.name.toLowerCase();
        const ettn = ettns.find((e) => name.includes(e.toLowerCase()));
        return { name: f.name, data: f.data, ...(ettn ? { ettn } : {}) };
      });
    },

    async markReceived(receiverVkn: string, ettns: string[], belgeTuru: IncomingDocType = 'FATURA') {
      await call('belgelerAlindi', [['vergiTcKimlikNo', receiverVkn], ...ettns.map((e): Field => ['ettn', e]), ['belgeTuru', belgeTuru]]);
    },
  };

  return { efatura, incoming };
}
