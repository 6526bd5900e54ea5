import { createEbelgeTable, type ErpMigration } from '../common';

export const logoErpMigrations: ErpMigration[] = [
  {
    name: '0001_knk_ebelge',
    description: 'KNK_EBELGE tablosu: belge başına ETTN, GİB numarası ve durum',
    up: createEbelgeTable,
  },
];
