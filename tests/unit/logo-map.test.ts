import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { invoiceTypeOf, profileOf, estatusFor } from '../../connectors/logo/codes';
import { currencyOf, customerOf, mapInvoice, type Row } from '../../connectors/logo/map';

const ctx = { database: 'LOGODB', firm: '001', period: '02', module: 'efatura' as const, currencies: new Map([[1, 'USD'], [20, 'EUR'], [0, 'TL']]) };

function header(over: Row = {}): Row {
  return {
    LOGICALREF: 7, TRCODE: 8, FICHENO: 'SAT0007', DATE_: '2026-03-04', EINVOICE: 1, PROFILEID: 1, EINVOICETYP: 0, TRCURR: 0, TRRATE: 0,
    GROSSTOTAL: 300, TOTALDISCOUNTS: 10, TOTALVAT: 58, NETTOTAL: 348, TRNET: 348, GENEXP1: 'Not 1', GENEXP2: '', GUID: null,
    C_CODE: '120.01.001', C_DEFINITION: 'Öz & Şen Gıda "Tic." Ltd.', C_ISPERSCOMP: 0, C_TAXNR: '1234567890', C_TCKNO: '', C_CITY: 'İzmir',
    ...over,
  };
}

const goods = (over: Row = {}): Row => ({
  LINETYPE: 0, GLOBTRANS: 0, AMOUNT: 2, PRICE: 100, TOTAL: 200, VAT: 20, VATAMNT: 38, VATMATRAH: 190, VATINC: 0, PRCURR: 0, PRPRICE: 0,
  ITEM_CODE: 'ST1', ITEM_NAME: 'Kumaş', UNIT_CODE: 'ADET', UNIT_GLOBALCODE: null, ...over,
});

describe('Logo codes', () => {
  it('maps every outgoing TRCODE to an invoice type', () => {
    expect(invoiceTypeOf(6, 0)).toBe('IADE');
    expect(invoiceTypeOf(6, 4)).toBe('IADE');
    for (const trcode of [7, 8, 9, 14]) expect(invoiceTypeOf(trcode, 0)).toBe('SATIS');
    expect(invoiceTypeOf(8, 4)).toBe('TEVKIFAT');
    expect(invoiceTypeOf(9, 2)).toBe('ISTISNA');
  });

  it('reads PROFILEID > 1 as TICARIFATURA', () => {
    expect(profileOf(0)).toBe('TEMELFATURA');
    expect(profileOf(1)).toBe('TEMELFATURA');
    expect(profileOf(2)).toBe('TICARIFATURA');
  });

  it('locks sent e-Fatura with ESTATUS 10 and leaves failed documents unsent', () => {
    expect(estatusFor('efatura', 'sent')).toBe(10);
    expect(estatusFor('earsiv', 'delivered')).toBe(2);
    expect(estatusFor('efatura', 'failed')).toBeUndefined();
  });

  it('maps TRCURR through L_CURRENCYLIST, falling back to the LDDS list', () => {
    expect(currencyOf(0, ctx.currencies)).toBe('TRY');
    expect(currencyOf(160, new Map())).toBe('TRY');
    expect(currencyOf(1, ctx.currencies)).toBe('USD');
    expect(currencyOf(20, new Map())).toBe('EUR');
    expect(currencyOf(99, new Map())).toBe('TRCURR:99');
  });
});

describe('Logo invoice mapping', () => {
  it('takes the VKN from TAXNR for companies and the TCKN for persons (ISPERSCOMP)', () => {
    expect(customerOf(header()).taxId).toEqual({ scheme: 'VKN', value: '1234567890' });
    const person = customerOf(header({ C_ISPERSCOMP: 1, C_TCKNO: '10000000146', C_TAXNR: '', C_DEFINITION: 'Ayşe Nur Yılmaz', C_NAME: null, C_SURNAME: null }));
    expect(person.taxId).toEqual({ scheme: 'TCKN', value: '10000000146' });
    expect(person.person).toEqual({ firstName: 'Ayşe Nur', familyName: 'Yılmaz' });
  });

  it('applies a discount row to the line above it and a GLOBTRANS row to the invoice', () => {
    const doc = mapInvoice(header(), [
      goods(),
      { LINETYPE: 2, GLOBTRANS: 0, DISCPER: 5, TOTAL: 10 },
      goods({ ITEM_CODE: 'ST2', AMOUNT: 1, PRICE: 100, TOTAL: 100, UNIT_CODE: 'KG' }),
      { LINETYPE: 2, GLOBTRANS: 1, DISCPER: 0, TOTAL: 2.9, LINEEXP: 'Genel iskonto' },
    ], ctx);
    expect(doc.lines).toHaveLength(2);
    expect(doc.lines[0]!.allowances[0]).toMatchObject({ isCharge: false, amount: new Decimal(10), percent: new Decimal(5) });
    expect(doc.lines[0]!.netAmount.toString()).toBe('190');
    expect(doc.lines[1]!.unitCode).toBe('KGM');
    expect(doc.allowances).toHaveLength(1);
    expect(doc.allowances[0]!.amount.toString()).toBe('2.9');
    expect(doc.notes).toEqual(['Not 1']);
    expect(doc.customer.name).toBe('Öz & Şen Gıda "Tic." Ltd.');
    expect(doc.ref).toEqual({ connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: '7' });
  });

  it('reads a purchase return (TRCODE 6) as IADE with the returned invoice', () => {
    const doc = mapInvoice(header({ TRCODE: 6, DOCODE: 'ABC2026000000012', DOCDATE: '2026-02-01' }), [goods()], ctx);
    expect(doc.type).toBe('IADE');
    expect(doc.returnRefs).toEqual([{ id: 'ABC2026000000012', issueDate: '2026-02-01' }]);
  });

  it('reads withholding and exemption fields of the lines', () => {
    const tev = mapInvoice(header({ EINVOICETYP: 4 }), [goods({ DEDUCTCODE: '603', DEDUCTIONPART1: 7, DEDUCTIONPART2: 10 })], ctx);
    expect(tev.type).toBe('TEVKIFAT');
    expect(tev.lines[0]!.withholding).toEqual({ code: '603', percent: new Decimal(70) });
    const ist = mapInvoice(header({ EINVOICETYP: 2, VATEXCEPTCODE: '350', VATEXCEPTREASON: 'Diğerleri' }), [goods({ VAT: 0, VATAMNT: 0 })], ctx);
    expect(ist.type).toBe('ISTISNA');
    expect(ist.lines[0]!.exemption).toEqual({ code: '350', reason: 'Diğerleri' });
  });

  it('uses the price in the invoice currency and the exchange rate for USD', () => {
    const doc = mapInvoice(header({ TRCURR: 1, TRRATE: 40.5, TRNET: 8.6 }), [goods({ PRICE: 162, PRPRICE: 4, PRCURR: 1, TOTAL: 324, VATAMNT: 64.8 })], ctx);
    expect(doc.currency).toBe('USD');
    expect(doc.exchangeRate?.toString()).toBe('40.5');
    expect(doc.lines[0]!.unitPrice.toString()).toBe('4');
    expect(doc.lines[0]!.grossAmount.toString()).toBe('8');
    expect(doc.lines[0]!.vatAmount.toString()).toBe('1.6');
    expect(doc.erpTotals?.taxInclusive.toString()).toBe('8.6');
  });

  it('removes VAT from VAT-inclusive prices (VATINC = 1)', () => {
    const doc = mapInvoice(header(), [goods({ AMOUNT: 1, PRICE: 120, VATINC: 1 })], ctx);
    expect(doc.lines[0]!.unitPrice.toString()).toBe('100');
  });

  it('strips binary noise from FLOAT amounts', () => {
    const doc = mapInvoice(header(), [goods({ AMOUNT: 0.1 + 0.2, PRICE: 10 })], ctx);
    expect(doc.lines[0]!.quantity.toString()).toBe('0.3');
  });
});
