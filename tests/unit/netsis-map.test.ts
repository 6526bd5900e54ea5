import { describe, expect, it } from 'vitest';
import { companyOfDatabase, fiscalYearOf, isoCurrencyOf, parseWithholding } from '../../connectors/netsis/codes';
import { firmPeriodsOf } from '../../connectors/netsis';
import { currencyOf, customerOf, exchangeRateOf, mapInvoice, parseInvoiceKey, serializeInvoiceKey, supplierOf, type Row } from '../../connectors/netsis/map';
import { damageToCp1252 } from '../../connectors/shared/encoding';
import { KonnektorError } from '../../core/errors';

/** A TBLFATUIRS row joined with TBLCASABIT/EK and TBLFATUEK, as outgoingHeadersQuery returns it. */
function header(over: Row = {}): Row {
  return {
    SUBE_KODU: 0, FTIRSIP: '1', FATIRS_NO: 'SAT20260000001', CARI_KODU: '120.01.001', TARIH: '2026-03-04', TIPI: 2,
    BRUTTUTAR: 1000, SAT_ISKT: 0, GEN_ISK1T: 0, GEN_ISK2T: 0, GEN_ISK3T: 0, GEN_ISK1O: 0, GEN_ISK2O: 0, GEN_ISK3O: 0,
    KDV: 200, KDV_DAHILMI: 'H', GENELTOPLAM: 1200, DOVIZTIP: 0, DOVIZTUT: 0, ACIKLAMA: null, EBELGE: 1,
    C_CARI_ISIM: 'Öz & Şen Gıda Ltd. Şti.', C_CARI_ADRES: 'Atatürk Cad. 1', C_CARI_IL: 'İstanbul', C_CARI_ILCE: 'Şişli', C_ULKE_KODU: 'TR',
    C_CARI_TEL: '0212 555 00 00', C_EMAIL: 'a@b.com.tr', C_VERGI_DAIRESI: 'Şişli', C_VERGI_NUMARASI: '1234567890', CE_TCKIMLIKNO: null,
    ...over,
  };
}

/** A TBLSTHAR row joined with TBLSTSABIT, as linesQuery returns it. */
function line(over: Row = {}): Row {
  return {
    INCKEYNO: 1, STOK_KODU: 'ST0001', FISNO: 'SAT20260000001', STHAR_ACIKLAMA: '120.01.001', STHAR_GCMIK: 10, STHAR_NF: 100, STHAR_BF: 100,
    STHAR_KDV: 20, STHAR_SATISK: 0, STHAR_SATISK2: 0, STHAR_DOVTIP: 0, STHAR_DOVFIAT: 0, OLCUBR: 1, SIRA: 1, IRSALIYE_NO: null,
    IRSALIYE_TARIH: null, T_STOK_ADI: 'Penye Tişört', T_OLCU_BR1: 'ADET', T_OLCU_BR2: 'KOLİ', T_OLCU_BR3: null,
    ...over,
  };
}

const ctx = { database: 'ORNEKTEKSTIL2026', module: 'efatura' as const, currencies: new Map([[0, 'TL'], [1, 'USD'], [2, 'EUR'], [5, 'GBP']]) };

describe('Netsis mapping', () => {
  it('reads TIPI 4 on a sales invoice as IADE with the returned invoice from TBLFATUEK', () => {
    const doc = mapInvoice(header({ TIPI: 4, X_ACIK13: 'ALF2026000012345 2026-02-20' }), [line()], ctx);
    expect(doc.type).toBe('IADE');
    expect(doc.returnRefs).toEqual([{ id: 'ALF2026000012345', issueDate: '2026-02-20' }]);
    const sale = mapInvoice(header({ TIPI: 2, X_ACIK13: 'ALF2026000012345 2026-02-20' }), [line()], ctx);
    expect(sale.type).toBe('SATIS');
    expect(sale.returnRefs).toEqual([]);
    // TIPI 5 appears as a return in one source only: it stays an ordinary sale.
    expect(mapInvoice(header({ TIPI: 5 }), [line()], ctx).type).toBe('SATIS');
  });

  it('takes the VKN from VERGI_NUMARASI and the TCKN from TBLCASABITEK when that is empty', () => {
    const company = customerOf(header());
    expect(company.taxId).toEqual({ scheme: 'VKN', value: '1234567890' });
    expect(company.person).toBeUndefined();
    const person = customerOf(header({ C_VERGI_NUMARASI: '', CE_TCKIMLIKNO: '10000000146', C_CARI_ISIM: 'Ayşe Nur Yılmaz' }));
    expect(person.taxId).toEqual({ scheme: 'TCKN', value: '10000000146' });
    expect(person.person).toEqual({ firstName: 'Ayşe Nur', familyName: 'Yılmaz' });
    // A TCKN typed into the VKN field is still a TCKN.
    expect(customerOf(header({ C_VERGI_NUMARASI: '10000000146' })).taxId.scheme).toBe('TCKN');
  });

  it('names the currency through NETSIS..KUR, with TL as TRY and unknown numbers left visible', () => {
    const kur = new Map([[0, 'TL'], [1, 'USD'], [2, 'EUR'], [5, 'GBP']]);
    expect(currencyOf(0, kur)).toBe('TRY');
    expect(currencyOf(1, kur)).toBe('USD');
    expect(currencyOf(5, kur)).toBe('GBP');
    expect(currencyOf(2, new Map())).toBe('EUR');
    expect(currencyOf(9, kur)).toBe('DOVIZTIP:9');
  });

  it('maps the currency names sites type into KUR to ISO codes; an unknown name stays visible for the pre-check', () => {
    for (const [name, iso] of [
      ['EURO', 'EUR'], ['Euro', 'EUR'], ['AVRO', 'EUR'], ['DOLAR', 'USD'], ['US DOLLAR', 'USD'], ['ABD DOLARI', 'USD'], ['USD', 'USD'],
      ['STERLİN', 'GBP'], ['İngiliz Sterlini', 'GBP'], ['İSV.FRANGI', 'CHF'], ['TL', 'TRY'], ['YTL', 'TRY'], ['Türk Lirası', 'TRY'], ['aze', 'AZE'],
    ] as const) {
      expect(isoCurrencyOf(name), name).toBe(iso);
    }
    expect(isoCurrencyOf('ALTIN GR')).toBe('ALTIN GR');
    const kur = new Map([[3, 'EURO'], [4, 'US DOLLAR'], [7, 'ALTIN GR']]);
    expect(currencyOf(3, kur)).toBe('EUR');
    expect(currencyOf(4, kur)).toBe('USD');
    expect(currencyOf(7, kur)).toBe('ALTIN GR');
  });

  it('reads every discount level of a line (STHAR_SATISK, STHAR_SATISK2, STRA_SATISK3..6) one on the other, and free goods', () => {
    const l = line({ STHAR_GCMIK: 10, STHAR_BF: 100, STHAR_SATISK: 10, STHAR_SATISK2: 5, STRA_SATISK3: 2.5, STRA_SATISK4: 2, STRA_SATISK5: 1, STRA_SATISK6: 0.5 });
    const doc = mapInvoice(header(), [l], ctx);
    const ln = doc.lines[0]!;
    expect(ln.allowances.map((a) => a.percent?.toString())).toEqual(['10', '5', '2.5', '2', '1', '0.5']);
    // 1000 → 900 → 855 → 833.62 → 816.95 → 808.78 → 804.74
    expect(ln.allowances.map((a) => a.amount.toFixed(2))).toEqual(['100.00', '45.00', '21.38', '16.67', '8.17', '4.04']);
    expect(ln.netAmount.toFixed(2)).toBe('804.74');
    const free = mapInvoice(header(), [line({ STHAR_GCMIK: 12, STHAR_BF: 100, STHAR_MALFISK: 2, STHAR_SATISK: 10 })], ctx).lines[0]!;
    expect(free.allowances.map((a) => [a.reason ?? '', a.amount.toFixed(2)])).toEqual([['Mal fazlası', '200.00'], ['', '100.00']]);
    expect(free.netAmount.toFixed(2)).toBe('900.00');
  });

  it('takes the customer card’s own mailbox and the line’s own text over the item name', () => {
    const doc = mapInvoice(header({ CE_CARIALIAS: 'urn:mail:defaultpk@oz.com.tr' }), [line({ EKALAN: 'Penye Tişört (özel baskı)' })], ctx);
    expect(doc.customer.alias).toBe('urn:mail:defaultpk@oz.com.tr');
    expect(doc.lines[0]!.itemName).toBe('Penye Tişört (özel baskı)');
    expect(doc.lines[0]!.description).toBe('Penye Tişört');
    expect(mapInvoice(header(), [line()], ctx).lines[0]!.itemName).toBe('Penye Tişört');
  });

  it('maps a foreign invoice in its own currency with the rate STHAR_BF / STHAR_DOVFIAT', () => {
    const h = header({ DOVIZTIP: 1, BRUTTUTAR: 4356.25, KDV: 871.25, GENELTOPLAM: 5227.5, DOVIZTUT: 160.8 });
    const l = line({ STHAR_GCMIK: 5, STHAR_DOVTIP: 1, STHAR_DOVFIAT: 26.8, STHAR_BF: 871, STHAR_NF: 871 });
    expect(exchangeRateOf(h, [l])?.toString()).toBe('32.5');
    const doc = mapInvoice(h, [l], ctx);
    expect(doc.currency).toBe('USD');
    expect(doc.exchangeRate?.toString()).toBe('32.5');
    expect(doc.lines[0]!.unitPrice.toString()).toBe('26.8');
    expect(doc.lines[0]!.grossAmount.toString()).toBe('134');
    expect(doc.lines[0]!.vatAmount.toString()).toBe('26.8');
    expect(doc.erpTotals?.taxInclusive.toString()).toBe('160.8');
    expect(doc.erpTotals?.gross.toString()).toBe('134.04');
    // Without a foreign line, the header totals give the rate.
    expect(exchangeRateOf(h, [])?.toString()).toBe('32.5093');
  });

  it('repairs Ý Þ Ð ý þ ð in every text read from Netsis', () => {
    const d = (s: string) => damageToCp1252(s);
    const h = header({
      C_CARI_ISIM: d('Şahin İnşaat Ağaç Işık'), C_CARI_IL: d('İstanbul'), C_VERGI_DAIRESI: d('Beşiktaş'), X_ACIK1: d('Sipariş: ığ'),
      X_ACIK14: d('350 Diğerleri'),
    });
    expect(h.C_CARI_ISIM).toBe('Þahin Ýnþaat Aðaç Iþýk');
    const doc = mapInvoice(h, [line({ T_STOK_ADI: d('Dikiş İğnesi'), STHAR_KDV: 0, OLCUBR: 2, T_OLCU_BR2: d('KOLİ') })], ctx);
    expect(doc.customer.name).toBe('Şahin İnşaat Ağaç Işık');
    expect(doc.customer.address.city).toBe('İstanbul');
    expect(doc.customer.taxOffice).toBe('Beşiktaş');
    expect(doc.notes).toEqual(['Sipariş: ığ']);
    expect(doc.lines[0]!.itemName).toBe('Dikiş İğnesi');
    // OLCUBR 2 picks OLCU_BR2; the repaired KOLİ is recognised as a UN/ECE unit.
    expect(doc.lines[0]!.unitCode).toBe('CT');
    expect(doc.lines[0]!.exemption).toEqual({ code: '350', reason: 'Diğerleri' });
    expect(doc.type).toBe('ISTISNA');
  });

  it('turns STHAR_SATISK into a line discount and GEN_ISK1O into an invoice discount that lowers each VAT base', () => {
    const lines = [
      line({ STHAR_GCMIK: 3, STHAR_BF: 33.33, STHAR_SATISK: 10 }),
      line({ INCKEYNO: 2, SIRA: 2, STHAR_GCMIK: 1, STHAR_BF: 50, STHAR_KDV: 10 }),
    ];
    const doc = mapInvoice(header({ GEN_ISK1O: 5, GEN_ISK1T: 6.99, SAT_ISKT: 10 }), lines, ctx);
    const [a, b] = doc.lines;
    expect(a!.grossAmount.toString()).toBe('99.99');
    expect(a!.allowances.map((x) => [x.isCharge, x.percent?.toString(), x.amount.toString(), x.baseAmount?.toString()])).toEqual([[false, '10', '10', '99.99']]);
    expect(a!.netAmount.toString()).toBe('89.99');
    expect(doc.allowances).toHaveLength(1);
    expect(doc.allowances[0]!.percent?.toString()).toBe('5');
    expect(doc.allowances[0]!.amount.toString()).toBe('7'); // 5 % of 139.99
    // Shares: 4.50 on the first line, the remainder 2.50 on the last.
    expect(a!.vatAmount.toString()).toBe('17.1'); // (89.99 − 4.50) × 20 %
    expect(b!.vatAmount.toString()).toBe('4.75'); // (50 − 2.50) × 10 %
    expect(doc.erpTotals?.allowanceTotal.toString()).toBe('16.99');
  });

  it('shares a single percent invoice discount line by line, where a proportional spread would differ by a cent', () => {
    const lines = [line({ STHAR_GCMIK: 1, STHAR_BF: 4.5 }), line({ INCKEYNO: 2, STHAR_GCMIK: 1, STHAR_BF: 19.99 })];
    const doc = mapInvoice(header({ GEN_ISK1O: 5 }), lines, ctx);
    expect(doc.allowances[0]!.amount.toString()).toBe('1.22'); // 5 % of 24.49
    // Shares 0.23 (5 % of 4.50) and the remainder 0.99; in proportion the first would be 0.22 and its VAT 0.86.
    expect(doc.lines.map((x) => x.vatAmount.toString())).toEqual(['0.85', '3.8']);
  });

  it('takes an amount-only invoice discount (GEN_ISK1T) and spreads it in proportion', () => {
    const lines = [line({ STHAR_GCMIK: 1, STHAR_BF: 300 }), line({ INCKEYNO: 2, STHAR_GCMIK: 1, STHAR_BF: 100 })];
    const doc = mapInvoice(header({ GEN_ISK1T: 40 }), lines, ctx);
    expect(doc.allowances[0]!.isCharge).toBe(false);
    expect(doc.allowances[0]!.amount.toString()).toBe('40');
    expect(doc.allowances[0]!.percent).toBeUndefined();
    expect(doc.lines.map((x) => x.vatAmount.toString())).toEqual(['54', '18']); // (300 − 30) and (100 − 10) at 20 %
  });

  it('reads withholding, scenario and VAT-inclusive prices', () => {
    const doc = mapInvoice(
      header({ X_ACIK15: '603 7/10', X_ACIK12: 'TICARIFATURA', KDV_DAHILMI: 'E' }),
      [line({ STHAR_GCMIK: 1, STHAR_BF: 120 })],
      ctx,
    );
    expect(doc.type).toBe('TEVKIFAT');
    expect(doc.profileHint).toBe('TICARIFATURA');
    expect(doc.lines[0]!.withholding?.code).toBe('603');
    expect(doc.lines[0]!.withholding?.percent.toString()).toBe('70');
    expect(doc.lines[0]!.unitPrice.toString()).toBe('100');
    expect(parseWithholding('603 11/10')).toBeUndefined();
    expect(mapInvoice(header(), [line()], ctx).profileHint).toBe('TEMELFATURA');
  });

  it('serialises the header key and parses it back, refusing anything else', () => {
    const key = { sube: 0, ftirsip: '1', fatirsNo: "SAT'1/2", cariKodu: '120|01"x' };
    expect(parseInvoiceKey(serializeInvoiceKey(key))).toEqual(key);
    const doc = mapInvoice(header({ FATIRS_NO: 'SAT20260000001   ' }), [line()], ctx);
    expect(parseInvoiceKey(doc.ref.key)).toEqual({ sube: 0, ftirsip: '1', fatirsNo: 'SAT20260000001', cariKodu: '120.01.001' });
    for (const bad of ['', '42', '[0,"1","X"]', '[0,"1; DROP TABLE TBLFATUIRS","X","Y"]', '[-1,"1","X","Y"]', '[0,"1","","Y"]', '{"a":1}', 'SAT/1']) {
      expect(() => parseInvoiceKey(bad), bad).toThrow(KonnektorError);
      try {
        parseInvoiceKey(bad);
      } catch (e) {
        expect((e as KonnektorError).code).toBe('ERP_DOCUMENT_NOT_FOUND');
      }
    }
  });
});

describe('Netsis company list', () => {
  it('takes the supplier from SIRKETLER30 identity columns only when they name a tax id', () => {
    const supplier = supplierOf({ SIRKET: 'ORNEK2026', UNVAN: damageToCp1252('Örnek Tekstil Sanayi A.Ş.'), VERGI_NUMARASI: '1234567890', IL: damageToCp1252('İstanbul') });
    expect(supplier?.name).toBe('Örnek Tekstil Sanayi A.Ş.');
    expect(supplier?.taxId).toEqual({ scheme: 'VKN', value: '1234567890' });
    expect(supplier?.address.city).toBe('İstanbul');
    expect(supplierOf({ SIRKET: 'ORNEK2026' })).toBeUndefined();
    expect(mapInvoice(header(), [line()], ctx).supplier).toBeUndefined();
  });

  it('derives company and year from SIRKETLER30 rows', () => {
    expect(fiscalYearOf('ABC2025', 2025)).toBe(2025);
    expect(fiscalYearOf('ABC2025', null)).toBe(2025);
    expect(fiscalYearOf('MUHASEBE', null)).toBeUndefined();
    expect(companyOfDatabase('ORNEKTEKSTIL2026', 2026)).toBe('ORNEKTEKSTIL');
    expect(companyOfDatabase('ABC_2025', 2025)).toBe('ABC');
    expect(companyOfDatabase('MUHASEBE', 2025)).toBe('MUHASEBE');
  });

  it('numbers companies 001… in Turkish order and marks the current (else latest) year active', () => {
    const companies = [
      { database: 'ORNEK2025', company: 'ORNEK', fiscalYear: 2025 },
      { database: 'ORNEK2026', company: 'ORNEK', fiscalYear: 2026 },
      { database: 'ÇINAR2025', company: 'ÇINAR', fiscalYear: 2025 },
      { database: 'ANADOLU2026', company: 'ANADOLU', fiscalYear: 2026 },
    ];
    const periods = firmPeriodsOf(companies, new Date('2026-03-01T00:00:00Z'));
    expect(periods.map((p) => [p.database, p.firm, p.active])).toEqual([
      ['ANADOLU2026', '001', true],
      ['ÇINAR2025', '002', true],
      ['ORNEK2025', '003', false],
      ['ORNEK2026', '003', true],
    ]);
    expect(periods[2]).toMatchObject({ period: '01', periodBegin: '2025-01-01', periodEnd: '2025-12-31', firmName: 'ORNEK' });
    // 31 Dec 2025 22:30 UTC is already 2026 in Türkiye.
    expect(firmPeriodsOf(companies, new Date('2025-12-31T22:30:00Z')).find((p) => p.database === 'ORNEK2025')?.active).toBe(false);
  });
});
