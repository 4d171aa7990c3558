import { describe, expect, it } from "vitest";
import { alignToWords, type Span, segmentWords } from "./words.ts";

const triples = (text: string) => segmentWords(text).map((w) => [w.text, w.start, w.end]);

describe("segmentWords (METHOD.md section 2)", () => {
  it("keeps inner apostrophes (straight and curly) and splits off others", () => {
    expect(triples("It doesn't, they’re dogs' 'quoted'")).toEqual([
      ["It", 0, 2],
      ["doesn't", 3, 10],
      [",", 10, 11],
      ["they’re", 12, 19],
      ["dogs", 20, 24],
      ["'", 24, 25],
      ["'", 26, 27],
      ["quoted", 27, 33],
      ["'", 33, 34],
    ]);
  });

  it("keeps decimals and thousands separators inside numbers, not at their ends", () => {
    expect(triples("3.5 1,000.25 3. -42 1e-9 100%")).toEqual([
      ["3.5", 0, 3],
      ["1,000.25", 4, 12],
      ["3", 13, 14],
      [".", 14, 15],
      ["-", 16, 17],
      ["42", 17, 19],
      ["1", 20, 21],
      ["e", 21, 22],
      ["-", 22, 23],
      ["9", 23, 24],
      ["100", 25, 28],
      ["%", 28, 29],
    ]);
  });

  it("treats each punctuation or symbol character as its own word, and _ too", () => {
    expect(triples('a_b?!" x**2')).toEqual([
      ["a", 0, 1],
      ["_", 1, 2],
      ["b", 2, 3],
      ["?", 3, 4],
      ["!", 4, 5],
      ['"', 5, 6],
      ["x", 7, 8],
      ["*", 8, 9],
      ["*", 9, 10],
      ["2", 10, 11],
    ]);
  });

  it("counts UTF-16 code units: accents, combining marks, CJK, emoji", () => {
    // "cafe\u0301" is 5 code units (e + combining acute); 👍 and 🏽 are 2 each (surrogate pairs).
    expect(triples("Naïve cafe\u0301 東京は。👍🏽 Zürich")).toEqual([
      ["Naïve", 0, 5],
      ["cafe\u0301", 6, 11],
      ["東京は", 12, 15],
      ["。", 15, 16],
      ["👍", 16, 18],
      ["🏽", 18, 20],
      ["Zürich", 21, 27],
    ]);
  });

  it("gives nothing for whitespace-only text and is stateless between calls", () => {
    expect(segmentWords(" \n\t ")).toEqual([]);
    expect(triples("a b")).toEqual(triples("a b"));
  });
});

describe("alignToWords (METHOD.md section 5)", () => {
  it("splits straddling tokens by overlap, routes whitespace forward, skips specials", () => {
    // H0 i1 _2 t3 h4 e5 r6 e7 ,8 _9 '3'10 .11 '5'12 _13 o14 k15
    const text = "Hi there, 3.5 ok";
    const words = segmentWords(text);
    expect(words.map((w) => w.text)).toEqual(["Hi", "there", ",", "3.5", "ok"]);
    const spans: Span[] = [null, [0, 2], [2, 6], [6, 9], [9, 11], [11, 13], [13, 14], [14, 16]];
    const attr = [5, 1, 2, 3, 0.5, -1.5, 4, 1];
    // "Hi"=1; " the"(2) -> there; "re,"(3) -> there 2/3, "," 1/3; " 3" and ".5" -> 3.5 (0.5-1.5);
    // " "(4) has no word -> next word "ok"; "ok"(1). The BOS (null span) is skipped.
    expect(Array.from(alignToWords(spans, attr, words))).toEqual([1, 4, 1, -1, 5]);
  });

  it("shares by code units over surrogate pairs and byte-fallback pieces", () => {
    const text = "a👍🏽b";
    const words = segmentWords(text);
    expect(words.map((w) => [w.start, w.end])).toEqual([
      [0, 1],
      [1, 3],
      [3, 5],
      [5, 6],
    ]);
    // Four byte-fallback tokens of 👍 all carry its span [1,3]; one token covers 👍🏽 (4 units,
    // 2 per word); one token straddles "a" (1 unit) and 👍 (2 units).
    const spans: Span[] = [[1, 3], [1, 3], [1, 3], [1, 3], [1, 5], [0, 3], [5, 6]];
    const attr = [1, 2, 3, 4, 6, 3, 0.25];
    const out = Array.from(alignToWords(spans, attr, words));
    expect(out).toEqual([1, 10 + 3 + 2, 3, 0.25]);
    expect(out.reduce((s, x) => s + x, 0)).toBeCloseTo(19.25, 12);
  });

  it("gives leading-space tokens to their word and drops trailing whitespace", () => {
    const text = " Hi  x?!\"\n";
    const words = segmentWords(text);
    expect(words.map((w) => w.text)).toEqual(["Hi", "x", "?", "!", '"']);
    const spans: Span[] = [[0, 3], [3, 5], [5, 7], [7, 9], [9, 10]];
    const attr = [2, 0.5, 2, 3, 7];
    // " Hi" -> Hi; "  " -> x (next word); "x?" -> x 1, ? 1; "!\"" -> ! 1.5, " 1.5; "\n" dropped.
    expect(Array.from(alignToWords(spans, attr, words))).toEqual([2, 1.5, 1, 1.5, 1.5]);
  });

  it("splits in proportion, not equally, and keeps signs", () => {
    const words = segmentWords("abc de"); // [0,3] [4,6]
    // A token over "bc de" overlaps 2 units of abc and 2 of de; one over "abc d" 3 and 1.
    const out = alignToWords([[1, 6], [0, 5]], [-4, 8], words);
    expect(Array.from(out)).toEqual([-2 + 6, -2 + 2]);
  });

  it("sends an empty span to the first word at or after it and rejects mismatched lengths", () => {
    const words = segmentWords("ab cd");
    expect(Array.from(alignToWords([[1, 1], [2, 2]], [1, 2], words))).toEqual([0, 3]);
    expect(() => alignToWords([[0, 1]], [1, 2], words)).toThrow();
  });
});
