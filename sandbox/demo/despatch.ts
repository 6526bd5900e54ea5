import Decimal from 'decimal.js';
import { tcknCheckDigits, vknCheckDigit } from '../../core/documents/taxid';
import type { DemoCompany, DemoCustomer, DemoItem, DemoWorld } from './scenario';

/**
 * The demo's despatch scenarios, independent of any accounting program: each ERP writer stores them in its own
 * tables. This year's period holds one despatch per way of travelling and per case the bookkeeper meets (a carrier
 * firm; the own vehicle with two drivers and a trailer; MATBUDAN; a customer without an e-İrsaliye mailbox; a
 * cancelled one; one already sent; one without any transport data); last year's period holds one more.
 */

export interface DemoCarrier {
  code: string;
  title: string;
  vkn: string;
  street: string;
  district: string;
  city: string;
  postalCode: string;
}

export interface DemoDriver {
  firstName: string;
  familyName: string;
  tckn: string;
}

export type DespatchScenario = 'carrier' | 'ownVehicle' | 'matbudan' | 'noDespatchAlias' | 'cancelled' | 'sent' | 'noTransport' | 'lastYear';

export interface DemoDespatch {
  seq: number;
  scenario: DespatchScenario;
  erpNumber: string;
  date: string;
  time: string;
  shipDate: string;
  shipTime: string;
  customer: DemoCustomer;
  shipTo: { street: string; district: string; city: string; postalCode: string };
  carrier?: DemoCarrier;
  drivers: DemoDriver[];
  plate?: string;
  trailers: string[];
  lines: { item: DemoItem; quantity: Decimal; unitPrice?: Decimal }[];
  /** MATBUDAN: the paper despatch issued first. */
  paper?: { number: string; date: string };
  cancelled: boolean;
  sent?: { ettn: string; gibNumber: string };
  note: string;
}

const tckn = (first9: string) => `${first9}${tcknCheckDigits(first9).join('')}`;

export const DEMO_CARRIER: DemoCarrier = {
  code: 'NAK001',
  title: 'Hızlı Nakliyat ve Lojistik A.Ş.',
  vkn: `900006841${vknCheckDigit('900006841')}`,
  street: 'Lojistik Cad. No: 1',
  district: 'Esenyurt',
  city: 'İstanbul',
  postalCode: '34510',
};

export const DEMO_DRIVERS: DemoDriver[] = [
  { firstName: 'Mehmet', familyName: 'Kaya', tckn: tckn('123456789') },
  { firstName: 'Ali Rıza', familyName: 'Demir', tckn: tckn('234567890') },
];

/** The customers who have an e-İrsaliye mailbox in the demo's GİB list (the first ten registered companies). */
export function despatchCustomers(world: DemoWorld): DemoCustomer[] {
  return world.customers.filter((c) => c.despatchAliases.length > 0);
}

/** Delivery addresses with postal zones GİB accepts (01–81), by the company's city. */
const SHIP_TO = [
  { street: 'Organize Sanayi Bölgesi 3. Cadde No: 12', district: 'Tuzla', city: 'İstanbul', postalCode: '34957' },
  { street: 'Depo Sokak No: 4', district: 'Etimesgut', city: 'Ankara', postalCode: '06790' },
  { street: 'Liman Yolu No: 88', district: 'Çiğli', city: 'İzmir', postalCode: '35620' },
];

export function demoDespatches(world: DemoWorld, opts: { company: DemoCompany; fiscalYear: number; current: boolean }): DemoDespatch[] {
  const goods = world.items.filter((i) => i.kind === 'goods');
  // Customers whose card address GİB accepts (a program that takes the delivery address from the card sends it).
  const postalOk = (c: DemoCustomer) => /^(0[1-9]|[1-7][0-9]|8[01])[0-9]{3}$/.test(c.postalCode);
  const eligible = despatchCustomers(world).filter(postalOk);
  const withAlias = eligible.length > 0 ? eligible : despatchCustomers(world);
  const receiver = (i: number) => withAlias[i % withAlias.length]!;
  const invoiceOnlyAll = world.customers.filter((c) => c.registered && c.despatchAliases.length === 0);
  const invoiceOnly = invoiceOnlyAll.find(postalOk) ?? invoiceOnlyAll[0]!;
  const companyNo = opts.company.key === 'ornek' ? 1 : 2;
  const y = opts.fiscalYear;
  const base = (seq: number, scenario: DespatchScenario, customer: DemoCustomer, over: Partial<DemoDespatch> = {}): DemoDespatch => {
    const day = String(9 + seq).padStart(2, '0');
    return {
      seq,
      scenario,
      erpNumber: `IRS${y}${String(companyNo)}${String(seq).padStart(4, '0')}`,
      date: `${y}-01-${day}`,
      time: '09:30:00',
      shipDate: `${y}-01-${day}`,
      shipTime: '10:15:00',
      customer,
      shipTo: SHIP_TO[seq % SHIP_TO.length]!,
      drivers: [],
      trailers: [],
      lines: [
        { item: goods[seq % goods.length]!, quantity: new Decimal(10 * seq) },
        { item: goods[(seq + 3) % goods.length]!, quantity: new Decimal('2.5').mul(seq) },
      ],
      cancelled: false,
      note: 'Sevkiyat demo verisidir.',
      ...over,
    };
  };
  if (!opts.current) {
    return [base(1, 'lastYear', receiver(5), { drivers: [DEMO_DRIVERS[0]!], plate: '34 KNK 101' })];
  }
  return [
    base(1, 'carrier', receiver(0), {
      carrier: DEMO_CARRIER,
      // A priced despatch: the goods' value travels with them.
      lines: [{ item: goods[0]!, quantity: new Decimal(120), unitPrice: goods[0]!.price }, { item: goods[1]!, quantity: new Decimal(40), unitPrice: goods[1]!.price }],
    }),
    base(2, 'ownVehicle', receiver(1), { drivers: DEMO_DRIVERS, plate: '34 KNK 202', trailers: ['34 DR 2020'] }),
    base(3, 'matbudan', receiver(2), { drivers: [DEMO_DRIVERS[0]!], plate: '06 KNK 303', paper: { number: 'A-004512', date: `${y}-01-11` } }),
    base(4, 'noDespatchAlias', invoiceOnly, { carrier: DEMO_CARRIER }),
    base(5, 'cancelled', receiver(3), { carrier: DEMO_CARRIER, cancelled: true }),
    base(6, 'sent', receiver(4), {
      carrier: DEMO_CARRIER,
      sent: { ettn: `d35a7c1e-0000-4000-8000-00000000000${companyNo}`, gibNumber: `${opts.company.gibPrefix}${y}000000001` },
    }),
    base(7, 'noTransport', receiver(6), {}),
  ];
}
