import { createEbelgeTable, type ErpMigration } from '../common';

export const netsisErpMigrations: ErpMigration[] = [
  {
    name: '0001_knk_ebelge',
    description: 'KNK_EBELGE tablosu: belge başına ETTN, GİB numarası ve durum (Netsis’in giden ETTN alanı belirsiz)',
    up: createEbelgeTable,
  },
];
