// An embedding computed in a tab, carried by a share link (the view state's `e` field): the vector
// quantized to int8 with one scale, the model's name and the spec hash, deflated and base64url
// encoded. The recipient gets the dequantized vector; neighbours are computed from exactly that.
import { deflateSync, inflateSync } from 'fflate';

/** Links stay usable in chat apps and address bars up to a few kB: the UI states this limit. */
export const MAX_SHARED_CHARS = 6000;
const VERSION = 1;
const MAX_NAME = 120;

export interface SharedEmbedding {
  name: string;
  specHash: string; // 64 hex characters
  vector: Float32Array; // dequantized
  /** the URL form, kept so that re-encoding a decoded link gives the same text */
  code: string;
}

const b64url = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};
const unb64url = (s: string) => {
  const bin = atob(s.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/** int8 codes with one scale (max |v| / 127): the cosine to the float vector stays above 0.9999 for ABLE vectors. */
export function quantize(v: ArrayLike<number>): { scale: number; q: Int8Array } {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const scale = Math.fround(max > 0 ? max / 127 : 1);
  const q = Int8Array.from({ length: v.length }, (_, i) => Math.max(-127, Math.min(127, Math.round(v[i] / scale))));
  return { scale, q };
}

/** Encodes a vector for a link; throws when the result exceeds MAX_SHARED_CHARS. */
export function encodeShared(name: string, specHash: string, vector: ArrayLike<number>): SharedEmbedding {
  if (!/^[0-9a-f]{64}$/.test(specHash)) throw new Error('the spec hash must be 64 hex characters');
  const nm = new TextEncoder().encode(name.slice(0, MAX_NAME));
  const { scale, q } = quantize(vector);
  const buf = new Uint8Array(1 + 1 + nm.length + 32 + 4 + 4 + q.length);
  const dv = new DataView(buf.buffer);
  let at = 0;
  buf[at++] = VERSION;
  buf[at++] = nm.length;
  buf.set(nm, at);
  at += nm.length;
  for (let i = 0; i < 32; i++) buf[at++] = Number.parseInt(specHash.slice(2 * i, 2 * i + 2), 16);
  dv.setUint32(at, q.length, true);
  at += 4;
  dv.setFloat32(at, scale, true);
  at += 4;
  buf.set(new Uint8Array(q.buffer), at);
  const code = b64url(deflateSync(buf, { level: 9 }));
  if (code.length > MAX_SHARED_CHARS)
    throw new Error(`this embedding needs ${code.length} characters in a link, over the ${MAX_SHARED_CHARS} limit`);
  return { name: new TextDecoder().decode(nm), specHash, vector: Float32Array.from(q, (x) => x * scale), code };
}

/** Decodes the `e` field; throws a message for the user when it is not a valid shared embedding. */
export function decodeShared(code: string): SharedEmbedding {
  if (code.length > MAX_SHARED_CHARS) throw new Error(`it is ${code.length} characters, over the ${MAX_SHARED_CHARS} limit`);
  if (!/^[A-Za-z0-9_-]+$/.test(code)) throw new Error('it is not base64url text');
  let buf: Uint8Array;
  try {
    buf = inflateSync(unb64url(code), { out: new Uint8Array(1 << 20) });
  } catch {
    throw new Error('it does not decompress');
  }
  // inflateSync with a given buffer returns a view of the used part
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 2 || buf[0] !== VERSION) throw new Error(`its version ${buf[0]} is not supported`);
  const nl = buf[1];
  const head = 2 + nl + 32 + 8;
  if (nl > MAX_NAME || buf.length < head) throw new Error('it is truncated');
  const name = new TextDecoder().decode(buf.subarray(2, 2 + nl));
  const specHash = Array.from(buf.subarray(2 + nl, 2 + nl + 32), (b) => b.toString(16).padStart(2, '0')).join('');
  const dim = dv.getUint32(2 + nl + 32, true);
  const scale = dv.getFloat32(2 + nl + 36, true);
  if (buf.length !== head + dim || !(scale > 0) || !Number.isFinite(scale)) throw new Error('its length or scale is inconsistent');
  const q = new Int8Array(buf.buffer, buf.byteOffset + head, dim);
  return { name, specHash, vector: Float32Array.from(q, (x) => x * scale), code };
}
