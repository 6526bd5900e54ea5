import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { earsivError } from '../../core/integrator/earsivService';
import { classifyFault } from '../../core/integrator/faults';
import { SoapBuildError, buildEnvelope, elementChildren, entries, parseEnvelope, readFault, responseElement } from '../../core/integrator/soap';
import { decodeBase64, unpack } from '../../core/integrator/zip';
import { NS_CONNECTOR, parseRequest, shape } from '../fixtures/integrator/fakeEfinans';

describe('SOAP envelopes', () => {
  it('writes the operation in the service namespace, parameters unqualified, nulls left out, text escaped', () => {
    const xml = buildEnvelope({
      namespace: NS_CONNECTOR,
      operation: 'belgelerAlindi',
      params: [
        ['vergiTcKimlikNo', '0123456789'],
        ['ettn', 'A'],
        ['ettn', 'B'],
        ['alanEtiket', undefined],
        ['nested', [['json', '{"a":"<&>"}']]],
      ],
      usernameToken: { username: 'u&1', password: '<]]>"\'' },
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope')).toBe(true);
    const req = parseRequest(xml);
    expect(req.operation.namespaceURI).toBe(NS_CONNECTOR);
    expect(req.usernameToken).toMatchObject({ username: 'u&1', password: '<]]>"\'' });
    expect(shape(req.operation)).toEqual([
      ['vergiTcKimlikNo', '0123456789'],
      ['ettn', 'A'],
      ['ettn', 'B'],
      ['nested', [['json', '{"a":"<&>"}']]],
    ]);
    expect(xml).not.toContain('CDATA');
  });

  it('reads faults of SOAP 1.1 and 1.2 and the response element of either prefix', () => {
    const body11 = parseEnvelope(
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>Hash hatası</faultstring><detail><ns2:Exception xmlns:ns2="x"><message>Hash hatası</message></ns2:Exception></detail></S:Fault></S:Body></S:Envelope>',
    );
    expect(readFault(body11)).toEqual({ faultcode: 'S:Server', faultstring: 'Hash hatası', detail: 'Hash hatası' });
    const body12 = parseEnvelope(
      '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason><env:Text xml:lang="tr">Sistem hatası</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>',
    );
    expect(readFault(body12)).toMatchObject({ faultcode: 'env:Receiver', faultstring: 'Sistem hatası' });
    const ok = parseEnvelope('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><belgeGonderExtResponse><belgeOid>x</belgeOid></belgeGonderExtResponse></soap:Body></soap:Envelope>');
    expect(readFault(ok)).toBeUndefined();
    expect(responseElement(ok, 'belgeGonderExt')?.textContent).toBe('x');
  });

  it('refuses a value XML cannot carry, naming the field but not the value', () => {
    const build = () => buildEnvelope({ namespace: NS_CONNECTOR, operation: 'x', params: [], usernameToken: { username: 'u', password: 'p\u0001' } });
    expect(build).toThrow(SoapBuildError);
    expect(build).toThrow(/^Password holds/);
    expect(() => buildEnvelope({ namespace: NS_CONNECTOR, operation: 'x', params: [['unvan', 'A\u0000B']] })).toThrow(/unvan/);
    expect(() => buildEnvelope({ namespace: NS_CONNECTOR, operation: 'x', params: [['unvan', 'Çağrı 😀\t\n']] })).not.toThrow();
  });

  it('rejects what is not a SOAP envelope', () => {
    expect(() => parseEnvelope('<html/>')).toThrow(/not a SOAP envelope/);
    expect(() => parseEnvelope('<a><b></a>')).toThrow();
    expect(() => parseEnvelope('')).toThrow();
  });

  it('reads resultExtra entries', () => {
    const body = parseEnvelope(
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><r><entry><key>faturaNo</key><value>TTT2026000000001</value></entry><entry><key>iptalTarihi</key><value/></entry></r></S:Body></S:Envelope>',
    );
    expect(entries(elementChildren(body)[0])).toEqual({ faturaNo: 'TTT2026000000001', iptalTarihi: '' });
  });
});

describe('fault classes', () => {
  const cls = (faultstring: string, faultcode = 'S:Server') => classifyFault({ faultcode, faultstring });
  it('knows the reported strings and the WS-Security codes', () => {
    expect(cls('username.pwd.mismatch')).toBe('auth');
    expect(cls('Kullanıcı adı veya şifre hatalı.')).toBe('auth');
    expect(cls('Security error', 'wsse:InvalidSecurity')).toBe('auth');
    expect(cls('Hash hatası')).toBe('hash');
    expect(cls('Oturum bulunamadı veya süresi doldu.')).toBe('session');
    expect(cls('Bu ETTN ile daha önce fatura gönderilmiştir.')).toBe('duplicate');
    expect(cls('Belge zaten mevcut')).toBe('duplicate');
    expect(cls('Sistem hatası. Lütfen daha sonra tekrar deneyiniz.')).toBe('retryLater');
    expect(cls('Lütfen daha sonra tekrar deneyiniz.', 'S:Client')).toBe('other');
    expect(cls('schematronControl failed: Geçersiz cbc:InvoiceTypeCode')).toBe('other');
    expect(cls('3250566851 vergi/TC kimlik numarası için bu kullanıcının yetkisi yok.')).toBe('other');
  });

  it('turns e-Arşiv result codes into errors with transient set', () => {
    expect(earsivError({ resultCode: 'AE00003', resultText: 'Gönderim Şekli bilgisi bulunamadı.' }).details).toMatchObject({ aeCode: 'AE00003', transient: false });
    expect(earsivError({ resultCode: 'AE00001' }).details.transient).toBe(true);
    expect(earsivError({ resultCode: 'AE00020' }).code).toBe('INTEGRATOR_DUPLICATE');
    expect(earsivError({ resultCode: 'AE00313' }).code).toBe('INTEGRATOR_FAULT');
  });
});

describe('payloads', () => {
  it('decodes strict base64 and unpacks zip, gzip or raw bytes', () => {
    expect(() => decodeBase64('not base64!')).toThrow();
    expect(() => decodeBase64('QUJD\nREVG')).not.toThrow();
    expect(decodeBase64('QUJD\nREVG').toString()).toBe('ABCDEF');
    const data = Buffer.from('<UserList/>');
    expect(unpack(Buffer.from(zipSync({ 'dir/': new Uint8Array(), 'dir/a.xml': data })))).toEqual([{ name: 'dir/a.xml', data }]);
    expect(unpack(Buffer.from(gzipSync(data)))[0]!.data.equals(data)).toBe(true);
    expect(unpack(data)[0]!.data.equals(data)).toBe(true);
    expect(() => unpack(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toThrow(/cannot unpack/);
  });
});
