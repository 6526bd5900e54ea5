import type { IntegratorSessionPool } from './sessionPool';
import type { Writable } from 'node:stream';

/**
 * The eFinans (QNB eSolutions) integrator as the rest of Konnektör sees it. Names follow the real web services
 * (integrator-api.md): connectorService for e-Fatura, EarsivWebService for e-Arşiv, userService for wsLogin.
 * Implemented over SOAP 1.1 (index.ts builds the clients: soap.ts envelopes, caller.ts authentication, transport.ts
 * HTTP, faults.ts error mapping, connectorService.ts / earsivService.ts the operations); the sandbox (sandbox/)
 * serves the same protocol on 127.0.0.1.
 */

export interface IntegratorEndpoints {
  /** …/connector/ws/connectorService */
  connectorService: string;
  /** …/connector/ws/userService (wsLogin) */
  userService: string;
  /** …/earsiv/ws/EarsivWebService */
  earsivService: string;
}

/**
 * QNB's own environments. e-Fatura and e-Arşiv live on different hosts, and the test e-Fatura host uses
 * `/efatura/ws/` paths (integrator-api.md §2: production [R] as quoted by QNB support, test [C] from QNB's samples).
 * Kept in this one table so a changed address is a one-line fix.
 */
export const EFINANS_ENVIRONMENTS: Record<'production' | 'test', IntegratorEndpoints> = {
  production: {
    connectorService: 'https://efaturaconnector.qnbesolutions.com.tr/connector/ws/connectorService',
    userService: 'https://efaturaconnector.qnbesolutions.com.tr/connector/ws/userService',
    earsivService: 'https://earsivconnector.qnbesolutions.com.tr/earsiv/ws/EarsivWebService',
  },
  test: {
    connectorService: 'https://erpefaturatest1.qnbesolutions.com.tr/efatura/ws/connectorService',
    userService: 'https://erpefaturatest1.qnbesolutions.com.tr/efatura/ws/userService',
    earsivService: 'https://earsivtest.qnbesolutions.com.tr/earsiv/ws/EarsivWebService',
  },
};

/**
 * The integrator setting → the three service URLs: `production` (also `canli`) or `test` for QNB's environments,
 * otherwise the base URL of a host that serves production's paths (the sandbox, a proxy).
 */
export function endpointsFromBase(base: string): IntegratorEndpoints {
  const name = base.trim().toLowerCase();
  if (name === 'production' || name === 'canli' || name === 'canlı') return { ...EFINANS_ENVIRONMENTS.production };
  if (name === 'test') return { ...EFINANS_ENVIRONMENTS.test };
  const b = base.trim().replace(/\/+$/, '');
  return {
    connectorService: `${b}/connector/ws/connectorService`,
    userService: `${b}/connector/ws/userService`,
    earsivService: `${b}/earsiv/ws/EarsivWebService`,
  };
}

export interface IntegratorCredentials {
  user: string;
  password: string;
  /** WS-Security UsernameToken on every call (default), or one userService.wsLogin and its session cookie. */
  auth?: 'usernameToken' | 'wsLogin';
}

export interface IntegratorClientOptions {
  endpoints: IntegratorEndpoints;
  credentials: IntegratorCredentials;
  /** QNB-assigned ERP vendor code (erpKodu). */
  erpCode: string;
  /** Requests per minute across every call of this client; default 150 (none towards a loopback sandbox). */
  ratePerMinute?: number;
  /** Per-request timeout (connect, send and the whole answer); default 60 s. */
  timeoutMs?: number;
  /**
   * Case of the belgeHash hex (integrator-api.md §6, §20.2). QNB's C#/Java samples send lowercase (the default);
   * the SoapUI sample and one client use uppercase.
   */
  belgeHashCase?: 'lower' | 'upper';
  /** Upper bound of one answer; the GİB user list is the largest. Default 256 MiB. */
  maxResponseBytes?: number;
  /**
   * e-Arşiv and e-MM: the `sube` and `kasa` of the portal's configuration record the company chose in the module's
   * settings (number series, template, mailing; efinans-despatch-receipts-ledger.md §4.1). Absent: QNB's `DFLT`.
   */
  place?: EarsivPlace;
  /** e-Fatura / e-İrsaliye: the company's own GB alias (gonderenEtiket) chosen in the module's settings. */
  senderAlias?: string;
  /**
   * wsLogin sessions shared across clients of the same account (default: the process's pool, so one login serves
   * every operation of a half hour); `null`: this client keeps its own session and logs it out when closed.
   */
  sessionPool?: IntegratorSessionPool | null;
}

/** The `sube` / `kasa` pair that picks an e-Arşiv configuration record in QNB's portal. */
export interface EarsivPlace {
  branch: string;
  till: string;
}

/** belgeGonderExt for FATURA_UBL: the raw, unsigned UBL bytes; `localDocNo` is belgeNo (Konnektör uses the ETTN). */
export interface SendInvoiceRequest {
  senderVkn: string;
  localDocNo: string;
  xml: Buffer;
  receiverAlias?: string;
  senderAlias?: string;
  /**
   * FATURA_UBL (default), UYGULAMA_YANITI_UBL for a KABUL/RED answer (integrator-api.md §10), IRSALIYE_UBL for a
   * despatch advice (to the receiver's e-İrsaliye alias), IRSALIYE_YANITI_UBL for a receipt advice.
   */
  belgeTuru?: 'FATURA_UBL' | 'UYGULAMA_YANITI_UBL' | 'IRSALIYE_UBL' | 'IRSALIYE_YANITI_UBL';
}

/** gidenBelgeDurumSorgulaExt result (gidenBelgeDurumv2 fields). */
export interface OutgoingStatus {
  /** 1 received, 2 processing error (aciklama says why), 3 processed by the integrator. */
  durum: number;
  aciklama?: string;
  ettn?: string;
  belgeNo?: string;
  /** −2…4, see integrator-api.md §7. */
  gonderimDurumu: number;
  /** GİB envelope code 1000–1300 (0 before GİB answered). */
  gonderimCevabiKodu: number;
  gonderimCevabiDetayi?: string;
  /** −1 no response expected, 0 waiting, 1 RED, 2 KABUL. */
  yanitDurumu: number;
  yanitDetayi?: string;
  ulastiMi?: boolean;
  yenidenGonderilebilirMi?: boolean;
  /** Timestamps as the integrator writes them: yyyyMMddHHmmssSSS, Türkiye time. */
  alimTarihi?: string;
  olusturulmaTarihi?: string;
  gonderimTarihi?: string;
  yanitTarihi?: string;
  /** The belgeOid (only with donusTipiVersiyon ≥ 3). */
  yerelBelgeOid?: string;
}

export type StatusQueryKey = {
  by: 'YEREL' | 'OID' | 'ETTN';
  value: string;
  /** gidenBelgeDurumSorgulaExt's belgeTuru: FATURA (default) or IRSALIYE (efinans-despatch-receipts-ledger.md §1.1). */
  belgeTuru?: 'FATURA' | 'IRSALIYE';
};

export interface RegisteredUserInfo {
  vkn: string;
  alias: string;
  title: string;
  kamu: boolean;
  registeredAt?: string;
}

/** Which belgeleriTekrarGonder* variant: by ETTN (default), by belgeOid, or by the local number (belgeNo). */
export interface ResendOptions {
  by?: 'ETTN' | 'OID' | 'YEREL';
  receiverAlias?: string;
  senderAlias?: string;
  /** FATURA (default), UYGULAMA_YANITI or IRSALIYE. */
  belgeTuru?: 'FATURA' | 'UYGULAMA_YANITI' | 'IRSALIYE';
}

export interface RegisteredUserListOptions {
  urun?: 'EFATURA' | 'EIRSALIYE';
  /** gecmisEklensin=1: include alias history. */
  withHistory?: boolean;
}

/** kontorBilgisiGetir's kontorTipi (efinans-despatch-receipts-ledger.md §1.1: FATURA, DEFTER, ARSIV, IRSALIYE…). */
export type KontorTipi = 'FATURA' | 'ARSIV' | 'IRSALIYE' | 'DEFTER';

export interface EfaturaClient {
  sendInvoice(req: SendInvoiceRequest): Promise<{ belgeOid: string }>;
  /** Status of one outgoing document; undefined when the integrator does not know it. */
  outgoingStatus(senderVkn: string, key: StatusQueryKey): Promise<OutgoingStatus | undefined>;
  /** belgeleriTekrarGonder*: resend in a new envelope (after 1215/1230); `keys` are ETTNs unless `options.by` says otherwise. */
  resend(senderVkn: string, keys: string[], options?: ResendOptions): Promise<boolean>;
  /** efaturaKullaniciBilgisi: one taxpayer's registered aliases. */
  registeredUser(vkn: string): Promise<RegisteredUserInfo[]>;
  /** kayitliKullaniciListeleExtended: GİB's whole user list, as UserList XML text (unzipped). Small lists only. */
  registeredUserList(options?: RegisteredUserListOptions): Promise<string>;
  /**
   * kayitliKullaniciListeleExtended, streamed: the zip QNB returns (one XML inside) is written to `sink` as it
   * arrives — the full list is millions of taxpayers. Rejects with INTEGRATOR_BAD_RESPONSE when the answer holds no list.
   */
  downloadRegisteredUserList(sink: () => Writable, options?: RegisteredUserListOptions): Promise<{ bytes: number }>;
  /** kontorBilgisiGetir: remaining credits of one kontör type (FATURA by default; each document kind names its own). */
  creditBalance(vkn: string, kontorTipi?: KontorTipi): Promise<number>;
}

/** belgeTuru of the incoming calls (without `_UBL`: integrator-api.md §6, §9). */
export type IncomingDocType = 'FATURA' | 'UYGULAMA_YANITI' | 'IRSALIYE' | 'IRSALIYE_YANITI';

/** One row of gelenBelgeleriListeleExt (belgev6). Every value stays the integrator's text: ids, VKNs and amounts. */
export interface IncomingDocument {
  /** The increasing cursor: the next call passes the highest one seen. */
  belgeSiraNo: string;
  ettn: string;
  belgeNo?: string;
  /** yyyyMMdd as the integrator sends it. */
  belgeTarihi?: string;
  belgeTuru?: string;
  gonderenVknTckn?: string;
  gonderenEtiket?: string;
  alanEtiket?: string;
  saticiUnvan?: string;
  aliciUnvan?: string;
  zarfId?: string;
  odenecekTutar?: string;
  odenecekTutarDovizCinsi?: string;
  faturaGelisTarihi?: string;
  profileId?: string;
}

/** One file of a gelenBelgeleriIndirExt zip. */
export interface IncomingFile {
  name: string;
  /** The ETTN, when the file is named after it. */
  ettn?: string;
  data: Buffer;
}

export interface IncomingClient {
  /** gelenBelgeleriListeleExt: at most 100 documents after the cursor (`after`: the last belgeSiraNo seen, "0" at first). */
  list(receiverVkn: string, options: { after: string; belgeTuru?: IncomingDocType }): Promise<IncomingDocument[]>;
  /** gelenBelgeleriIndirExt: the documents' files, unzipped (UBL by default). */
  download(receiverVkn: string, ettns: string[], options?: { belgeTuru?: IncomingDocType; belgeFormati?: 'UBL' | 'HTML' | 'PDF' }): Promise<IncomingFile[]>;
  /** belgelerAlindi: marks documents as taken into the ERP. */
  markReceived(receiverVkn: string, ettns: string[], belgeTuru?: IncomingDocType): Promise<void>;
}

export interface EarsivCreateRequest {
  senderVkn: string;
  /** islemId: Konnektör uses the ETTN, which makes a retry idempotent. */
  islemId: string;
  xml: Buffer;
  branch?: string;
  till?: string;
}

export interface EarsivResult {
  resultCode: string;
  resultText?: string;
  faturaNo?: string;
  uuid?: string;
  faturaURL?: string;
  /** Every resultExtra entry (islemID, uuid, faturaNo, faturaURL, iptalTarihi…). */
  resultExtra?: Record<string, string>;
}

export interface EarsivClient {
  /** faturaOlusturExt: synchronous; AE00000 is success. */
  createInvoice(req: EarsivCreateRequest): Promise<EarsivResult>;
  /** faturaSorgula by ETTN; undefined when unknown. */
  queryInvoice(senderVkn: string, uuid: string): Promise<EarsivResult | undefined>;
  cancelInvoice(senderVkn: string, uuid: string, faturaNo: string): Promise<EarsivResult>;
  /** faturaIptaliKaldir: undoes a cancellation not yet in a report. */
  undoCancelInvoice(senderVkn: string, uuid: string, faturaNo?: string): Promise<EarsivResult>;
  /**
   * rapordaFaturaSorgula: whether the invoice (and its cancellation) is in a report sent to GİB; undefined when the
   * service does not know the invoice.
   */
  reportStatus(senderVkn: string, uuid: string): Promise<EarsivReportStatus | undefined>;
}

/** rapordaFaturaSorgula's answer (efinans-despatch-receipts-ledger.md §4.3). */
export interface EarsivReportStatus {
  reported: boolean;
  cancellationReported?: boolean;
  /** The report part (bolumRaporNo) holding the invoice, when the service names it. */
  reportPart?: string;
}
