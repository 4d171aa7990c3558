// The UTF-8 bytes a tokenizer sees, each tagged with the span (UTF-16 code units) of the original
// character(s) it came from. Token spans are found by walking token bytes along this stream.

export interface ByteStream {
  bytes: Uint8Array;
  /** For byte i: [charStart[i], charEnd[i]) is the span of the original text it stands for. */
  charStart: Int32Array;
  charEnd: Int32Array;
}

export type UnicodeForm = "NFC" | "NFD" | "NFKC" | "NFKD";

const encoder = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

// Pieces that normalize independently: a base character with its combining marks. Normalizing
// piece by piece lets each output byte point back to the piece it came from.
const PIECE = /\P{M}\p{M}*|\p{M}+/gsu;
const CODE_POINT = /[\s\S]/gu;

function pieces(text: string, form: UnicodeForm | null): { start: number; end: number; out: string }[] {
  const out: { start: number; end: number; out: string }[] = [];
  for (const m of text.matchAll(new RegExp(form === null ? CODE_POINT : PIECE))) {
    const normalized = form === null ? m[0] : m[0].normalize(form);
    if (normalized === m[0]) {
      // Unchanged (e.g. ❤ + variation selector): keep one piece per code point, the finest map.
      for (const c of m[0].matchAll(CODE_POINT)) {
        out.push({ start: m.index + c.index, end: m.index + c.index + c[0].length, out: c[0] });
      }
    } else {
      out.push({ start: m.index, end: m.index + m[0].length, out: normalized });
    }
  }
  if (form !== null && out.map((p) => p.out).join("") !== text.normalize(form)) {
    // Composition across pieces (rare, e.g. conjoining Hangul jamo): fall back to one piece per
    // whitespace-delimited run, coarser but still correct about which run a byte belongs to.
    return Array.from(text.matchAll(/\s+|\S+/gu), (m) => ({
      start: m.index,
      end: m.index + m[0].length,
      out: m[0].normalize(form),
    }));
  }
  return out;
}

/** The byte stream of `text` after an optional Unicode normalization. */
export function byteStream(text: string, form: UnicodeForm | null = null): ByteStream {
  const parts = pieces(text, form);
  const encoded = parts.map((p) => utf8(p.out));
  const n = encoded.reduce((s, b) => s + b.length, 0);
  const bytes = new Uint8Array(n);
  const charStart = new Int32Array(n);
  const charEnd = new Int32Array(n);
  let k = 0;
  parts.forEach((p, i) => {
    bytes.set(encoded[i], k);
    charStart.fill(p.start, k, k + encoded[i].length);
    charEnd.fill(p.end, k, k + encoded[i].length);
    k += encoded[i].length;
  });
  return { bytes, charStart, charEnd };
}

/** GPT-2's byte-to-unicode table, reversed: the printable stand-in character -> the byte. */
export function byteLevelDecoder(): Map<string, number> {
  const direct: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) direct.push(b);
  for (let b = 0xa1; b <= 0xac; b++) direct.push(b);
  for (let b = 0xae; b <= 0xff; b++) direct.push(b);
  const map = new Map<string, number>();
  for (const b of direct) map.set(String.fromCharCode(b), b);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    if (!direct.includes(b)) map.set(String.fromCharCode(256 + shifted++), b);
  }
  return map;
}
