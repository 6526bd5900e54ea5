import { PassThrough, Readable, Transform } from 'node:stream';
import yazl from 'yazl';
import type { RegisteredUser } from '../../core/documents/userList';
import type { SandboxDb } from './store';
import { xmlEscape } from './soap';

/**
 * kayitliKullaniciListeleExtended as QNB serves it (e-Fatura ve e-İrsaliye Entegrasyon Kılavuzu §3.2.6): a zip
 * holding one XML, root `eFaturaKayitliKullaniciListe` (e-İrsaliye: `eIrsaliyeKayitliKullaniciListe`), one
 * `eFaturaKayitliKullanici` per taxpayer {tip Kamu|Özel, kayitZamani 14 digits, unvan, vknTckn, hesapTipi,
 * aktifEtiket*{etiket, etiketOlusturulmaZamani}, etiketGecmisi*{…, silinmeZamani} with gecmisEklensin=1}.
 *
 * Written as a stream (yazl): the sandbox's own taxpayers, then `generated` more made up on the fly, so a list of
 * millions never sits in memory on either side. Faults reproduce what a bad day looks like: a list cut short (a
 * valid zip with only a share of the taxpayers), a damaged zip entry, no zip at all, a zip without XML, and an XML of
 * another schema.
 */
export interface UserListFaults {
  /** Only this share of the taxpayers (0…1): a truncated export. */
  truncateShare?: number;
  /** Bytes of the zip entry overwritten: the CRC or the deflate stream no longer holds. */
  brokenEntry?: boolean;
  /** An error page instead of a zip. */
  notZip?: boolean;
  /** A zip with a text file and no XML. */
  noXml?: boolean;
  /** A zip with a well-formed XML of another schema. */
  foreignXml?: boolean;
}

export interface UserListOptions {
  urun: 'EFATURA' | 'EIRSALIYE';
  withHistory: boolean;
  /** Made-up taxpayers after the stored ones (benchmarks: 1,000,000). */
  generated: number;
  faults?: UserListFaults;
}

/** `2020-01-01T00:00:00` → `20200101000000`. */
const compact = (iso: string | undefined) => (iso ? iso.replace(/\D/g, '').padEnd(14, '0').slice(0, 14) : '');

function userXml(u: RegisteredUser, element: string, type: 'Invoice' | 'DespatchAdvice', withHistory: boolean): string {
  const aliases = u.documents.filter((d) => d.type === type).flatMap((d) => d.aliases);
  const open = aliases.filter((a) => !a.deletionTime);
  if (open.length === 0 && !withHistory) return '';
  const parts = [
    `<${element}>`,
    `<tip>${u.type === 'KAMU' ? 'Kamu' : 'Özel'}</tip>`,
    `<kayitZamani>${compact(u.firstCreationTime)}</kayitZamani>`,
    `<unvan>${xmlEscape(u.title)}</unvan>`,
    `<vknTckn>${u.identifier}</vknTckn>`,
    `<hesapTipi>${xmlEscape(u.accountType ?? 'Özel Entegrasyon')}</hesapTipi>`,
    ...open.map((a) => `<aktifEtiket><etiket>${xmlEscape(a.name)}</etiket><etiketOlusturulmaZamani>${compact(a.creationTime)}</etiketOlusturulmaZamani></aktifEtiket>`),
    ...(withHistory
      ? aliases
          .filter((a) => a.deletionTime)
          .map(
            (a) =>
              `<etiketGecmisi><etiket>${xmlEscape(a.name)}</etiket><etiketOlusturulmaZamani>${compact(a.creationTime)}</etiketOlusturulmaZamani><silinmeZamani>${compact(a.deletionTime)}</silinmeZamani></etiketGecmisi>`,
          )
      : []),
    `</${element}>`,
  ];
  return parts.join('');
}

/** The n-th made-up taxpayer: stable, 10-digit VKNs from 3000000000 on, every tenth with a second mailbox. */
export function generatedUser(n: number): RegisteredUser {
  const identifier = String(3_000_000_000 + n);
  const domain = `mukellef${n}.com.tr`;
  const aliases = [{ name: `urn:mail:defaultpk@${domain}`, creationTime: '2019-03-01T09:00:00' }];
  if (n % 10 === 0) aliases.push({ name: `urn:mail:faturapk@${domain}`, creationTime: '2021-06-15T12:30:00' });
  return {
    identifier,
    title: `ÖRNEK MÜKELLEF ${n} TİCARET VE SANAYİ LİMİTED ŞİRKETİ`,
    type: n % 97 === 0 ? 'KAMU' : 'OZEL',
    firstCreationTime: '2019-03-01T09:00:00',
    accountType: 'Özel Entegrasyon',
    documents: [
      { type: 'Invoice', aliases },
      { type: 'DespatchAdvice', aliases: n % 3 === 0 ? [{ name: `urn:mail:irsaliyepk@${domain}`, creationTime: '2021-01-01T00:00:00' }] : [] },
    ],
  };
}

/** The stored taxpayers, in identifier order, read page by page. */
function* storedUsers(db: SandboxDb): Generator<RegisteredUser> {
  const page = db.prepare('SELECT * FROM registered_users WHERE identifier > ? ORDER BY identifier LIMIT 1000');
  let after = '';
  for (;;) {
    const rows = page.all(after) as { identifier: string; title: string; type: string; first_creation_time: string | null; account_type: string | null; documents: string }[];
    if (rows.length === 0) return;
    for (const r of rows) {
      yield {
        identifier: r.identifier,
        title: r.title,
        type: r.type === 'KAMU' ? 'KAMU' : 'OZEL',
        ...(r.first_creation_time ? { firstCreationTime: r.first_creation_time } : {}),
        ...(r.account_type ? { accountType: r.account_type } : {}),
        documents: JSON.parse(r.documents) as RegisteredUser['documents'],
      };
    }
    after = rows.at(-1)!.identifier;
  }
}

function listXml(db: SandboxDb, options: UserListOptions): Readable {
  const type = options.urun === 'EIRSALIYE' ? 'DespatchAdvice' : 'Invoice';
  const root = options.urun === 'EIRSALIYE' ? 'eIrsaliyeKayitliKullaniciListe' : 'eFaturaKayitliKullaniciListe';
  const element = options.urun === 'EIRSALIYE' ? 'eIrsaliyeKayitliKullanici' : 'eFaturaKayitliKullanici';
  const stored = [...storedUsers(db)].length;
  const total = stored + options.generated;
  const limit = options.faults?.truncateShare !== undefined ? Math.floor(total * options.faults.truncateShare) : total;
  const users = (function* () {
    let i = 0;
    for (const u of storedUsers(db)) {
      if (i++ >= limit) return;
      yield u;
    }
    for (let n = 0; n < options.generated; n++) {
      if (i++ >= limit) return;
      yield generatedUser(n);
    }
  })();
  let started = false;
  let done = false;
  return new Readable({
    read() {
      if (!started) {
        started = true;
        this.push(`<?xml version="1.0" encoding="UTF-8"?>\n<${root}>`);
        return;
      }
      if (done) return;
      const parts: string[] = [];
      for (let k = 0; k < 500; k++) {
        const next = users.next();
        if (next.done) {
          parts.push(`</${root}>\n`);
          done = true;
          break;
        }
        parts.push(userXml(next.value, element, type, options.withHistory));
      }
      this.push(parts.join(''));
      if (done) this.push(null);
    },
  });
}

/** Overwrites a few bytes some way into the zip: inside the compressed entry, past the local header. */
function damage(): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const out = Buffer.from(chunk);
      for (let i = 0; i < out.length; i++) {
        const at = offset + i;
        if (at >= 200 && at < 232) out[i] = out[i]! ^ 0x5a;
      }
      offset += out.length;
      done(null, out);
    },
  });
}

/** The zip's bytes (or, with `notZip`, an error page's). */
export function userListZip(db: SandboxDb, options: UserListOptions): Readable {
  const faults = options.faults ?? {};
  if (faults.notZip) return Readable.from([Buffer.from('502 Bad Gateway: liste sunucusu yanıt vermedi.\n', 'utf8')]);
  const zip = new yazl.ZipFile();
  const name = `${options.urun}_KAYITLI_KULLANICI_LISTESI.xml`;
  if (faults.noXml) zip.addBuffer(Buffer.from('Liste hazırlanamadı.\n', 'utf8'), 'bilgi.txt');
  else if (faults.foreignXml) {
    zip.addBuffer(Buffer.from('<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>X</ID></Invoice>', 'utf8'), name);
  } else zip.addReadStream(listXml(db, options), name, { compress: true, mtime: new Date(Date.UTC(2026, 0, 1)) });
  zip.end();
  return faults.brokenEntry ? zip.outputStream.pipe(damage()) : zip.outputStream.pipe(new PassThrough());
}

/** base64 of a byte stream, piece by piece (carrying at most two bytes over). */
export function base64Stream(): Transform {
  let carry = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const all = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const usable = all.length - (all.length % 3);
      carry = Buffer.from(all.subarray(usable));
      done(null, all.subarray(0, usable).toString('base64'));
    },
    flush(done) {
      done(null, carry.length ? carry.toString('base64') : '');
    },
  });
}
