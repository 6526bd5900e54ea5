import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import sax from 'sax';
import { NS, type SoapFaultInfo } from './soap';

/**
 * Reads a SOAP answer as it arrives and writes the bytes of its base64 `<return>` to `sink`, never holding the whole
 * answer: the GİB registered-user list (kayitliKullaniciListeleExtended) is a zip of several hundred megabytes of
 * XML, tens of megabytes even zipped. sax delivers a long text node in pieces (its 64 KiB buffer limit), and the
 * base64 is decoded piece by piece, carrying at most three characters over.
 *
 * Only the shape QNB's JAX-WS services answer with is accepted: Envelope/Body/<operation>Response/return.
 */
export interface StreamedReturn {
  /** Whether the answer had a `<return>` at all (JAXB leaves a null result out). */
  found: boolean;
  /** Decoded bytes written to the sink. */
  bytes: number;
  /** A SOAP Fault instead of an answer. */
  fault?: SoapFaultInfo;
}

export class StreamedReturnError extends Error {
  override readonly name = 'StreamedReturnError';
  constructor(
    message: string,
    /** The answer was cut or garbled on the way (worth another attempt), not a different protocol. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

async function write(sink: Writable, chunk: Buffer): Promise<void> {
  if (chunk.length === 0) return;
  if (sink.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      sink.off('drain', ok);
      sink.off('error', done);
      if (e) reject(e);
      else resolve();
    };
    const ok = () => done();
    sink.once('drain', ok);
    sink.once('error', done);
  });
}

export async function streamReturnTo(body: Readable, sink: Writable, options: { operation: string; maxBytes: number }): Promise<StreamedReturn> {
  const parser = sax.parser(true, { xmlns: true, position: false });
  const path: string[] = [];
  let inReturn = false;
  let found = false;
  let carry = '';
  let bytes = 0;
  let pending: Buffer[] = [];
  let fault: Record<string, string> | undefined;
  let faultField: string | undefined;
  let problem: StreamedReturnError | undefined;
  const fail = (message: string, transient: boolean) => {
    problem ??= new StreamedReturnError(message, transient);
  };

  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    const depth = path.length;
    if (depth === 0 && (t.local !== 'Envelope' || (t.uri !== NS.soap11 && t.uri !== NS.soap12))) fail(`not a SOAP envelope (root {${t.uri}}${t.local})`, false);
    if (depth === 2 && path[1] === 'Body') {
      if (t.local === 'Fault') fault = {};
      else if (t.local !== `${options.operation}Response`) fail(`the SOAP body holds ${t.local}, not ${options.operation}Response`, false);
    }
    if (depth === 3 && fault) faultField = t.local;
    if (depth === 3 && path[2] === `${options.operation}Response` && t.local === 'return') {
      inReturn = true;
      found = true;
    }
    path.push(t.local);
  };
  parser.onclosetag = () => {
    path.pop();
    if (inReturn && path.length === 3) inReturn = false;
    if (faultField && path.length === 3) faultField = undefined;
  };
  parser.ontext = (text) => {
    if (fault && faultField) {
      fault[faultField] = (fault[faultField] ?? '') + text;
      return;
    }
    if (!inReturn) return;
    const compact = carry + text.replace(/\s+/g, '');
    const usable = compact.length - (compact.length % 4);
    const piece = compact.slice(0, usable);
    carry = compact.slice(usable);
    if (!BASE64.test(piece) || (piece.includes('=') && carry.length > 0)) {
      fail('return is not base64', false);
      return;
    }
    const decoded = Buffer.from(piece, 'base64');
    bytes += decoded.length;
    if (bytes > options.maxBytes) fail(`the answer exceeds ${options.maxBytes} bytes`, false);
    else pending.push(decoded);
  };
  parser.onerror = (e) => {
    fail(`unreadable SOAP answer: ${e.message.split('\n')[0]}`, true);
    // sax refuses further input after an error unless told to resume; the answer is given up anyway.
    parser.error = null as unknown as Error;
  };

  // A piece of the answer may end inside a multi-byte character.
  const utf8 = new StringDecoder('utf8');
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      parser.write(utf8.write(chunk));
      if (problem) break;
      const out = pending;
      pending = [];
      for (const b of out) await write(sink, b);
    }
    if (!problem) {
      parser.write(utf8.end());
      parser.close();
      for (const b of pending) await write(sink, b);
    }
  } catch (e) {
    sink.destroy();
    throw e;
  }
  if (problem) {
    body.destroy();
    sink.destroy();
    throw problem;
  }
  // The sink is complete (a file: written and closed) before the caller reads it.
  await new Promise<void>((resolve, reject) => {
    sink.once('error', reject);
    sink.end(() => resolve());
  });
  if (path.length > 0) throw new StreamedReturnError('the answer ended before the SOAP envelope was complete', true);
  if (carry.length > 0) throw new StreamedReturnError('return is cut: base64 text of a length not divisible by 4', true);
  if (fault) {
    const detail = fault.detail?.trim();
    return {
      found: false,
      bytes: 0,
      fault: {
        faultcode: (fault.faultcode ?? '').trim(),
        faultstring: (fault.faultstring ?? '').trim(),
        ...(detail ? { detail } : {}),
      },
    };
  }
  return { found, bytes };
}
