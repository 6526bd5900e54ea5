import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl from 'yauzl';
import { KonnektorError } from '../errors';

/**
 * Reads a registered-user list file as a stream, one taxpayer at a time: the zip QNB's
 * kayitliKullaniciListeleExtended returns (one XML inside), or that XML itself, or GİB's own UserList file. The full
 * list has millions of taxpayers, so nothing here holds more than one taxpayer and one piece of the file.
 *
 * Formats:
 * - QNB (e-Fatura ve e-İrsaliye Entegrasyon Kılavuzu §3.2.6, Tablo 3.2.5–3.2.7): root `eFaturaKayitliKullaniciListe`
 *   (e-İrsaliye: `eIrsaliyeKayitliKullaniciListe`), one `eFaturaKayitliKullanici` / `eIrsaliyeKayitliKullanici` per
 *   taxpayer with `tip` (Kamu/Özel), `kayitZamani` (14 digits), `unvan`, `vknTckn`, `hesapTipi`, `aktifEtiket*`
 *   {`etiket`, `etiketOlusturulmaZamani`} and, with gecmisEklensin=1, `etiketGecmisi*` (closed aliases: ignored).
 *   The guide spells the e-İrsaliye element with a dotted İ once; both spellings, and a lower-case first letter (as
 *   one public client reads it), are accepted.
 * - GİB (UserList Kılavuzu v1.0, NewUserList.xsd): UserList/User{Identifier, Title, Type, FirstCreationTime,
 *   AccountType, Documents/Document[@type]/Alias{Name, CreationTime, DeletionTime}}.
 */
export type RegistryDocumentType = 'Invoice' | 'DespatchAdvice';

export interface ListedUser {
  identifier: string;
  title: string;
  type: 'OZEL' | 'KAMU';
  documentType: RegistryDocumentType;
  registeredAt?: string;
  accountType?: string;
  /** Open aliases (posta kutusu etiketleri) only. */
  aliases: { name: string; createdAt?: string }[];
}

export interface UserListReadResult {
  format: 'qnb' | 'gib';
  /** Taxpayers handed to `onUser`. */
  users: number;
  /** Entries left out: an identifier that is no VKN/TCKN. */
  skipped: number;
}

const QNB_ROOTS: Record<string, RegistryDocumentType> = {
  efaturakayitlikullaniciliste: 'Invoice',
  eirsaliyekayitlikullaniciliste: 'DespatchAdvice',
};
const QNB_USER = /^e(fatura|[iİ]rsaliye)kayitlikullanici$/i;
const TAX_ID = /^\d{10,11}$/;

const fileError = (code: 'REGISTRY_ZIP_INVALID' | 'REGISTRY_ZIP_NO_XML' | 'REGISTRY_XML_FOREIGN' | 'REGISTRY_FILE_INVALID', detail: string) =>
  new KonnektorError(code, detail);

/** QNB writes Kamu/Özel, GİB KAMU/OZEL. */
const userType = (value: string | undefined): 'OZEL' | 'KAMU' => (value && /^kamu$/i.test(value.trim()) ? 'KAMU' : 'OZEL');

/** Streams the XML of a user list to `onUser`; rejects with a KonnektorError for a foreign or broken document. */
export async function readUserListXml(input: Readable, onUser: (u: ListedUser) => void, drain?: () => Promise<void>): Promise<UserListReadResult> {
  // saxes: about three times faster than sax on this kind of file (a million small elements).
  const parser = new SaxesParser();
  const path: string[] = [];
  let format: 'qnb' | 'gib' | undefined;
  let documentType: RegistryDocumentType = 'Invoice';
  let users = 0;
  let skipped = 0;
  let problem: KonnektorError | undefined;
  let text = '';
  // The taxpayer being read.
  let fields: Record<string, string> = {};
  let aliases: { name: string; createdAt?: string; deletedAt?: string; documentType: RegistryDocumentType }[] = [];
  let alias: { name?: string; createdAt?: string; deletedAt?: string } | undefined;
  let gibDocumentType: RegistryDocumentType | undefined;
  let inHistory = false;

  const emit = () => {
    const identifier = (fields.vknTckn ?? fields.Identifier ?? '').trim();
    if (!TAX_ID.test(identifier)) {
      skipped += 1;
      return;
    }
    const common = {
      identifier,
      title: (fields.unvan ?? fields.Title ?? '').trim(),
      type: userType(fields.tip ?? fields.Type),
      ...((fields.kayitZamani ?? fields.FirstCreationTime)?.trim() ? { registeredAt: (fields.kayitZamani ?? fields.FirstCreationTime)!.trim() } : {}),
      ...((fields.hesapTipi ?? fields.AccountType)?.trim() ? { accountType: (fields.hesapTipi ?? fields.AccountType)!.trim() } : {}),
    };
    const types: RegistryDocumentType[] = format === 'qnb' ? [documentType] : ['Invoice', 'DespatchAdvice'];
    for (const t of types) {
      const open = aliases.filter((a) => a.documentType === t && !a.deletedAt && a.name !== '');
      if (format === 'gib' && open.length === 0) continue;
      onUser({ ...common, documentType: t, aliases: open.map((a) => ({ name: a.name, ...(a.createdAt ? { createdAt: a.createdAt } : {}) })) });
    }
    users += 1;
  };

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const colon = tag.name.indexOf(':');
    const name = colon < 0 ? tag.name : tag.name.slice(colon + 1);
    if (path.length === 0) {
      const qnb = QNB_ROOTS[name.toLowerCase()];
      if (qnb) {
        format = 'qnb';
        documentType = qnb;
      } else if (name === 'UserList') format = 'gib';
      else problem ??= fileError('REGISTRY_XML_FOREIGN', `The file is not a registered-user list: its root element is ${name}`);
    }
    const depth = path.length;
    path.push(name);
    text = '';
    if (depth === 1) {
      fields = {};
      aliases = [];
      return;
    }
    if (format === 'qnb' && depth === 2 && (name === 'aktifEtiket' || name === 'etiketGecmisi')) {
      inHistory = name === 'etiketGecmisi';
      alias = {};
    }
    if (format === 'gib' && name === 'Document') gibDocumentType = tag.attributes.type === 'DespatchAdvice' ? 'DespatchAdvice' : 'Invoice';
    if (format === 'gib' && name === 'Alias') alias = {};
  });

  parser.on('text', (t) => {
    // Only leaf texts are kept; they are short (a title is at most a few hundred characters).
    if (text.length < 4096) text += t;
  });

  parser.on('closetag', () => {
    const name = path.pop()!;
    const depth = path.length;
    if (depth === 1) {
      if (format === 'qnb' && !QNB_USER.test(name)) problem ??= fileError('REGISTRY_XML_FOREIGN', `Unexpected element ${name} in the user list`);
      else if (format === 'gib' && name !== 'User') problem ??= fileError('REGISTRY_XML_FOREIGN', `Unexpected element ${name} in the user list`);
      else emit();
      return;
    }
    if (format === 'qnb') {
      if (depth === 2) fields[name] = text;
      else if (depth === 3 && alias) {
        if (name === 'etiket') alias.name = text.trim();
        else if (name === 'etiketOlusturulmaZamani') alias.createdAt = text.trim();
        else if (name === 'silinmeZamani') alias.deletedAt = text.trim();
      }
      if (depth === 2 && (name === 'aktifEtiket' || name === 'etiketGecmisi') && alias) {
        if (!inHistory && alias.name) aliases.push({ name: alias.name, documentType, ...(alias.createdAt ? { createdAt: alias.createdAt } : {}) });
        alias = undefined;
        inHistory = false;
      }
      return;
    }
    // GİB UserList
    if (depth === 2) fields[name] = text;
    if (alias && name === 'Name') alias.name = text.trim();
    if (alias && name === 'CreationTime') alias.createdAt = text.trim();
    if (alias && name === 'DeletionTime') alias.deletedAt = text.trim();
    if (name === 'Alias' && alias) {
      if (alias.name) aliases.push({ name: alias.name, documentType: gibDocumentType ?? 'Invoice', ...(alias.createdAt ? { createdAt: alias.createdAt } : {}), ...(alias.deletedAt ? { deletedAt: alias.deletedAt } : {}) });
      alias = undefined;
    }
  });

  parser.on('error', (e) => {
    problem ??= fileError('REGISTRY_FILE_INVALID', `The user list is not well-formed XML: ${e.message.split('\n')[0]}`);
  });

  const utf8 = new Utf8Pieces();
  let first = true;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let piece = utf8.write(chunk);
    if (first) {
      piece = piece.replace(/^\uFEFF/, '');
      first = false;
    }
    parser.write(piece);
    if (problem) {
      input.destroy();
      throw problem;
    }
    // The consumer's batches are written before more of the file is read: memory stays flat.
    if (drain) await drain();
  }
  if (!problem) parser.write(utf8.end());
  if (!problem) parser.close();
  if (problem) throw problem;
  if (!format) throw fileError('REGISTRY_FILE_INVALID', 'The user list is empty');
  return { format, users, skipped };
}

/**
 * Bytes to text piece by piece: a piece may end inside a multi-byte character, which waits for the next one. (Node's
 * StringDecoder does the same, several times slower on Turkish text.)
 */
class Utf8Pieces {
  private rest: Buffer | undefined;

  write(chunk: Buffer): string {
    const bytes = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let cut = bytes.length;
    // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character; keep it if incomplete.
    let i = bytes.length - 1;
    while (i >= 0 && i >= bytes.length - 4 && (bytes[i]! & 0xc0) === 0x80) i--;
    if (i >= 0 && bytes[i]! >= 0xc0) {
      const need = bytes[i]! >= 0xf0 ? 4 : bytes[i]! >= 0xe0 ? 3 : 2;
      if (bytes.length - i < need) cut = i;
    }
    this.rest = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    return bytes.toString('utf8', 0, cut);
  }

  end(): string {
    const rest = this.rest;
    this.rest = undefined;
    return rest ? rest.toString('utf8') : '';
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => (err || !zip ? reject(err) : resolve(zip))),
  );
}

/** The first `.xml` entry of a zip (QNB's holds exactly one). */
function findXmlEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/') && /\.xml$/i.test(entry.fileName)) resolve(entry);
      else zip.readEntry();
    });
    zip.on('end', () => resolve(undefined));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err) : resolve(stream))));
}

/**
 * A user-list file: a zip (as the integrator sends it) or a bare XML. Each taxpayer goes to `onUser`; the zip entry's
 * CRC-32 is checked as it is read, so a damaged entry is an error, not a shorter list.
 */
export async function readUserListFile(file: string, onUser: (u: ListedUser) => void, drain?: () => Promise<void>): Promise<UserListReadResult> {
  const head = Buffer.alloc(4);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new KonnektorError('FILE_NOT_FOUND', `Cannot read ${file}: ${(e as Error).message}`, { value: file });
  }
  const read = fs.readSync(fd, head, 0, 4, 0);
  fs.closeSync(fd);
  const isZip = read === 4 && head.readUInt32LE(0) === 0x04034b50;
  const looksXml = read > 0 && /^(\uFEFF|\s)*</.test(head.toString('utf8'));
  if (!isZip) {
    if (looksXml) return readUserListXml(fs.createReadStream(file), onUser, drain);
    throw fileError('REGISTRY_ZIP_INVALID', 'The user list is neither a zip nor an XML file');
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    throw fileError('REGISTRY_ZIP_INVALID', `The user list zip cannot be opened: ${(e as Error).message}`);
  }
  try {
    let entry: yauzl.Entry | undefined;
    try {
      entry = await findXmlEntry(zip);
    } catch (e) {
      throw fileError('REGISTRY_ZIP_INVALID', `The user list zip is damaged: ${(e as Error).message}`);
    }
    if (!entry) throw fileError('REGISTRY_ZIP_NO_XML', 'The user list zip holds no XML file');
    let stream: Readable;
    try {
      stream = await entryStream(zip, entry);
    } catch (e) {
      throw fileError('REGISTRY_ZIP_INVALID', `The user list entry ${entry.fileName} cannot be read: ${(e as Error).message}`);
    }
    let crc = 0;
    const expected = entry.crc32 >>> 0;
    const name = entry.fileName;
    const checked = stream.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          crc = zlib.crc32(chunk, crc);
          done(null, chunk);
        },
      }),
    );
    stream.on('error', (e) => checked.destroy(e));
    let result: UserListReadResult;
    try {
      result = await readUserListXml(checked, onUser, drain);
    } catch (e) {
      if (e instanceof KonnektorError) throw e;
      throw fileError('REGISTRY_ZIP_INVALID', `The user list entry ${name} is damaged: ${(e as Error).message}`);
    }
    if (crc >>> 0 !== expected) throw fileError('REGISTRY_ZIP_INVALID', `The user list entry ${name} is damaged (CRC-32 mismatch)`);
    return result;
  } finally {
    zip.close();
  }
}
