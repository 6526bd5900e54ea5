import { createEbelgeTable, type ErpMigration } from '../common';

export const etaErpMigrations: ErpMigration[] = [
  {
    name: '0001_knk_ebelge',
    description: 'KNK_EBELGE tablosu: belge başına ETTN, GİB numarası ve durum (ETA’nın e-belge alanları belgelenmemiş)',
    up: createEbelgeTable,
  },
];
