import { createEbelgeTable, createGelenBelgeTable, type ErpMigration } from '../common';

export const mikroErpMigrations: ErpMigration[] = [
  {
    name: '0001_knk_ebelge',
    description: 'KNK_EBELGE tablosu: belge başına ETTN, GİB numarası ve durum (Mikro v16’da faturada e-belge numarası alanı yok)',
    up: createEbelgeTable,
  },
  {
    name: '0002_knk_gelen_belge',
    description: 'KNK_GELEN_BELGE tablosu: gelen e-belgeler (ETTN, numara, gönderen, tutarlar, durum, kabul/red yanıtı, XML)',
    up: createGelenBelgeTable,
  },
];
