/**
 * The eFinans (QNB eSolutions) integrator as the rest of Konnektör sees it. Names follow the real web services
 * (integrator-api.md): connectorService for e-Fatura, EarsivWebService for e-Arşiv, userService for wsLogin.
 * Implemented over SOAP 1.1 in ./soap*; the sandbox (sandbox/) serves the same protocol on 127.0.0.1.
 */

export interface IntegratorEndpoints {
  /** …/connector/ws/connectorService */
  connectorService: string;
  /** …/connector/ws/userService (wsLogin) */
  userService: string;
  /** …/earsiv/ws/EarsivWebService */
  earsivService: string;
}

/** Base URL of a sandbox or integrator host → the three service URLs with production's paths. */
export function endpointsFromBase(base: string): IntegratorEndpoints {
  const b = base.replace(/\/+$/, '');
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
  /** Per-request timeout. */
  timeoutMs?: number;
}

/** belgeGonderExt for FATURA_UBL: the raw, unsigned UBL bytes; `localDocNo` is belgeNo (Konnektör uses the ETTN). */
export interface SendInvoiceRequest {
  senderVkn: string;
  localDocNo: string;
  xml: Buffer;
  receiverAlias?: string;
  senderAlias?: string;
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
}

export type StatusQueryKey = { by: 'YEREL' | 'OID' | 'ETTN'; value: string };

export interface RegisteredUserInfo {
  vkn: string;
  alias: string;
  title: string;
  kamu: boolean;
  registeredAt?: string;
}

export interface EfaturaClient {
  sendInvoice(req: SendInvoiceRequest): Promise<{ belgeOid: string }>;
  /** Status of one outgoing document; undefined when the integrator does not know it. */
  outgoingStatus(senderVkn: string, key: StatusQueryKey): Promise<OutgoingStatus | undefined>;
  /** belgeleriTekrarGonder: resend in a new envelope (after 1215/1230). */
  resend(senderVkn: string, ettns: string[]): Promise<boolean>;
  /** efaturaKullaniciBilgisi: one taxpayer's registered aliases. */
  registeredUser(vkn: string): Promise<RegisteredUserInfo[]>;
  /** kayitliKullaniciListeleExtended: GİB's whole user list, as UserList XML text (unzipped). */
  registeredUserList(): Promise<string>;
  /** kontorBilgisiGetir: remaining credits. */
  creditBalance(vkn: string): Promise<number>;
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
}

export interface EarsivClient {
  /** faturaOlusturExt: synchronous; AE00000 is success. */
  createInvoice(req: EarsivCreateRequest): Promise<EarsivResult>;
  /** faturaSorgula by ETTN; undefined when unknown. */
  queryInvoice(senderVkn: string, uuid: string): Promise<EarsivResult | undefined>;
  cancelInvoice(senderVkn: string, uuid: string, faturaNo: string): Promise<EarsivResult>;
}
