import { describe, expect, it } from "vitest";
import { byteLevelDecoder, byteStream } from "./byte-stream.ts";
import { alignTokenSpans, type TokenPiece, tokenBytes } from "./spans.ts";

const piece = (token: string, special = false, added = false): TokenPiece => ({ token, special, added });

describe("byteLevelDecoder (GPT-2 bytes_to_unicode, reversed)", () => {
  it("is a bijection onto the 256 bytes with GPT-2's stand-ins", () => {
    const d = byteLevelDecoder();
    expect(d.size).toBe(256);
    expect(new Set(d.values()).size).toBe(256);
    // Ġ space, Ċ newline, ĉ tab; printable ASCII and Latin-1 stand for themselves.
    expect([d.get("Ġ"), d.get("Ċ"), d.get("ĉ"), d.get("A"), d.get("ð"), d.get("Ł")]).toEqual([
      0x20, 0x0a, 0x09, 0x41, 0xf0, 0x9f,
    ]);
  });
});

describe("tokenBytes", () => {
  it("decodes byte-level, SentencePiece and added tokens", () => {
    expect(Array.from(tokenBytes(piece("ĠcafÃ©"), "byte-level"))).toEqual([0x20, 0x63, 0x61, 0x66, 0xc3, 0xa9]);
    expect(Array.from(tokenBytes(piece("▁café"), "sentencepiece"))).toEqual([0x20, 0x63, 0x61, 0x66, 0xc3, 0xa9]);
    expect(Array.from(tokenBytes(piece("<0xF0>"), "sentencepiece"))).toEqual([0xf0]);
    // An added token is literal text even in a byte-level vocabulary.
    expect(Array.from(tokenBytes(piece("<think>Ġ", false, true), "byte-level"))).toEqual(
      Array.from(new TextEncoder().encode("<think>Ġ")),
    );
  });
});

describe("byteStream", () => {
  it("maps each UTF-8 byte to its character's UTF-16 span", () => {
    const s = byteStream("é🦩");
    expect(Array.from(s.bytes)).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0xa6, 0xa9]);
    expect(Array.from(s.charStart)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(Array.from(s.charEnd)).toEqual([1, 1, 3, 3, 3, 3]);
  });

  it("under NFC maps a composed character back to base + mark, and leaves others fine-grained", () => {
    const s = byteStream("A\u030a❤\ufe0f", "NFC"); // Å composes; ❤ + VS16 does not
    expect(Array.from(s.bytes)).toEqual([0xc3, 0x85, 0xe2, 0x9d, 0xa4, 0xef, 0xb8, 0x8f]);
    expect(Array.from(s.charStart)).toEqual([0, 0, 2, 2, 2, 3, 3, 3]);
    expect(Array.from(s.charEnd)).toEqual([2, 2, 3, 3, 3, 4, 4, 4]);
  });
});

describe("alignTokenSpans", () => {
  it("skips inserted spaces, gives split characters to every piece, nulls specials", () => {
    const text = "Hi 🦩";
    const pieces = [piece("<s>", true), piece("▁Hi"), piece("▁"), piece("<0xF0>"), piece("<0x9F>"), piece("<0xA6>"), piece("<0xA9>")];
    const r = alignTokenSpans(byteStream(text), pieces, "sentencepiece");
    expect(r.spans).toEqual([null, [0, 2], [2, 3], [3, 5], [3, 5], [3, 5], [3, 5]]);
    expect(r.unmatchedBytes).toBe(0);
  });

  it("gives a token made only of an inserted space the empty span where it stands", () => {
    const r = alignTokenSpans(byteStream("東"), [piece("▁"), piece("東")], "sentencepiece");
    expect(r.spans).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it("steps over text the tokenizer dropped and counts bytes it cannot place", () => {
    // A zero-width space removed by a normalizer: "b" is found 3 bytes further on.
    const r = alignTokenSpans(byteStream("a\u200bb"), [piece("a"), piece("b")], "plain");
    expect(r.spans).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(r.unmatchedBytes).toBe(0);
    // "x" is nowhere in the text: counted, and the token gets the empty span at the cursor.
    const bad = alignTokenSpans(byteStream("ab"), [piece("a"), piece("x"), piece("b")], "plain");
    expect(bad.spans).toEqual([
      [0, 1],
      [1, 1],
      [1, 2],
    ]);
    expect(bad.unmatchedBytes).toBe(1);
  });
});
