// Words, the coordinate system every model shares (METHOD.md sections 2 and 5).

export interface Word {
  text: string;
  start: number; // UTF-16 code units, inclusive
  end: number; // exclusive
}

/** A token's character span [start, end) in UTF-16 code units; null for special tokens. */
export type Span = readonly [number, number] | null;

// METHOD.md section 2, verbatim: letter/mark runs with inner apostrophes, digit runs with inner
// '.' or ',', or any single other non-space character.
export const WORD_REGEX_SOURCE = "[\\p{L}\\p{M}]+(?:['’][\\p{L}\\p{M}]+)*|\\p{N}+(?:[.,]\\p{N}+)*|[^\\s\\p{L}\\p{M}\\p{N}]";

export function segmentWords(text: string): Word[] {
  const words: Word[] = [];
  // A fresh RegExp per call: a shared global regex carries lastIndex between calls.
  for (const m of text.matchAll(new RegExp(WORD_REGEX_SOURCE, "gu"))) {
    words.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return words;
}

/** Index of the first word whose end is after `pos` (words are sorted and disjoint). */
function firstWordEndingAfter(words: readonly Word[], pos: number): number {
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Token attributions to word attributions (METHOD.md section 5). A token whose span overlaps words
 * shares its attribution among them in proportion to the overlapping code units; a token that
 * overlaps none (whitespace) gives it to the first word starting at or after its end, or drops it.
 * Tokens with a null span (special tokens) are skipped. Sums are preserved except for dropped tokens.
 */
export function alignToWords(
  tokenSpans: readonly Span[],
  tokenAttr: ArrayLike<number>,
  words: readonly Word[],
): Float64Array {
  if (tokenSpans.length !== tokenAttr.length) {
    throw new Error(`alignToWords: ${tokenSpans.length} spans but ${tokenAttr.length} attributions`);
  }
  const out = new Float64Array(words.length);
  for (let t = 0; t < tokenSpans.length; t++) {
    const span = tokenSpans[t];
    const a = tokenAttr[t];
    if (span === null || a === 0) continue;
    const [s, e] = span;
    const first = firstWordEndingAfter(words, s);
    let total = 0;
    for (let w = first; w < words.length && words[w].start < e; w++) {
      total += Math.min(e, words[w].end) - Math.max(s, words[w].start);
    }
    if (total > 0) {
      for (let w = first; w < words.length && words[w].start < e; w++) {
        out[w] += (a * (Math.min(e, words[w].end) - Math.max(s, words[w].start))) / total;
      }
    } else {
      // No overlap (whitespace, or an empty span): the first word starting at or after e.
      let w = first;
      while (w < words.length && words[w].start < e) w++;
      if (w < words.length) out[w] += a;
    }
  }
  return out;
}
