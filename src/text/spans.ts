// Exact character spans per token by vocabulary-bytes alignment (FINDINGS.md): every token's bytes
// come from its vocabulary string, and are walked along the UTF-8 bytes of the text.
//
// Rules (documented contract):
// - A token covering any byte of a character gets that whole character's span; tokens that share a
//   character (byte fallback <0xF0><0x9F>..., or byte-level BPE splitting an emoji) all get it, so
//   spans may overlap. METHOD.md's char-overlap alignment then splits each token's attribution.
// - Spaces the tokenizer inserted (SentencePiece's dummy prefix, ByteLevel add_prefix_space) match
//   no text byte and are skipped, so "▁The" at the start of "The ..." spans just "The".
// - Special tokens get null; if the text itself contains a special token's string, that text is
//   consumed by it.
// - A token whose bytes are all inserted gets the empty span at the current position.
import { type ByteStream, byteLevelDecoder, utf8 } from "./byte-stream.ts";
import type { Span } from "./words.ts";

export type TokenByteScheme = "byte-level" | "sentencepiece" | "plain";

export interface TokenPiece {
  token: string; // the vocabulary string
  special: boolean;
  added: boolean; // an added token: its string is literal text, not byte-level encoded
}

let decoderCache: Map<string, number> | null = null;

export function tokenBytes(piece: TokenPiece, scheme: TokenByteScheme): Uint8Array {
  const { token } = piece;
  if (scheme === "sentencepiece") {
    const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
    if (m && !piece.added) return Uint8Array.of(Number.parseInt(m[1], 16));
    return utf8(token.replaceAll("▁", " "));
  }
  if (scheme === "byte-level" && !piece.added) {
    decoderCache ??= byteLevelDecoder();
    const out: number[] = [];
    for (const ch of token) {
      const b = decoderCache.get(ch);
      if (b !== undefined) out.push(b);
      else out.push(...utf8(ch)); // not a byte-level character: take it literally
    }
    return Uint8Array.from(out);
  }
  return utf8(token);
}

function matchesAt(stream: Uint8Array, p: number, bytes: Uint8Array): boolean {
  if (p + bytes.length > stream.length) return false;
  for (let i = 0; i < bytes.length; i++) if (stream[p + i] !== bytes[i]) return false;
  return true;
}

// How far ahead to look for a token byte that the text has but the walk has not reached (text the
// tokenizer dropped, e.g. by a normalizer). Beyond this a token byte counts as inserted.
const RESYNC_WINDOW = 8;

export interface SpanResult {
  spans: Span[];
  /** Token bytes that matched no text byte and were not spaces: nonzero means spans are approximate. */
  unmatchedBytes: number;
}

export function alignTokenSpans(stream: ByteStream, pieces: readonly TokenPiece[], scheme: TokenByteScheme): SpanResult {
  const { bytes, charStart, charEnd } = stream;
  const n = bytes.length;
  const textEnd = n > 0 ? charEnd[n - 1] : 0;
  const at = (p: number) => (p < n ? charStart[p] : textEnd);
  let p = 0;
  let unmatchedBytes = 0;
  const spans: Span[] = [];
  for (const piece of pieces) {
    const tb = tokenBytes(piece, scheme);
    if (piece.special) {
      if (tb.length > 0 && matchesAt(bytes, p, tb)) p += tb.length;
      spans.push(null);
      continue;
    }
    let first = -1;
    let last = -1;
    for (const b of tb) {
      let q = p;
      while (q < n && q < p + RESYNC_WINDOW && bytes[q] !== b) q++;
      if (q < n && bytes[q] === b && (q === p || b !== 0x20)) {
        if (first < 0) first = q;
        last = q;
        p = q + 1;
      } else if (b !== 0x20) {
        unmatchedBytes++;
      }
    }
    spans.push(first < 0 ? [at(p), at(p)] : [charStart[first], charEnd[last]]);
  }
  return { spans, unmatchedBytes };
}
