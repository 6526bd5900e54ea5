import { gunzipSync, unzipSync } from 'fflate';

/**
 * Binary payloads in eFinans answers: base64 text of a zip (user list, incoming downloads), sometimes gzip (e-Arşiv
 * output) or raw bytes. Decoders accept all three (integrator-api.md §14).
 */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

/** Strict base64 (whitespace allowed): a truncated or foreign text is an error, not silently fewer bytes. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new PayloadError('not base64');
  return Buffer.from(compact, 'base64');
}

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;
const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** The files of a zip (directories left out), a gunzipped single file, or the bytes themselves. */
export function unpack(bytes: Buffer, fallbackName = 'belge'): ZipEntry[] {
  try {
    if (isZip(bytes)) {
      return Object.entries(unzipSync(bytes))
        .filter(([name]) => !name.endsWith('/'))
        .map(([name, data]) => ({ name, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }));
    }
    if (isGzip(bytes)) {
      const data = gunzipSync(bytes);
      return [{ name: fallbackName, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }];
    }
  } catch (e) {
    throw new PayloadError(`cannot unpack: ${e instanceof Error ? e.message : String(e)}`);
  }
  return [{ name: fallbackName, data: bytes }];
}
