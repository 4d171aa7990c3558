// Which tokens of `context + target` are scored and which are attributed (METHOD.md sections 3-4).
export type Span = readonly [number, number] | null;

/**
 * Token i is a target token when it has a span (special tokens never do), its span ends after the
 * context (a token straddling the boundary counts), and i > 0 (position 0 has no prediction).
 */
export function targetTokenMask(spans: readonly Span[], contextLength: number): boolean[] {
  return spans.map((span, i) => i > 0 && span !== null && span[1] > contextLength);
}

/** Attributed tokens: neither special (null span) nor target. */
export function attributedTokenMask(spans: readonly Span[], contextLength: number): boolean[] {
  const target = targetTokenMask(spans, contextLength);
  return spans.map((span, i) => span !== null && !target[i]);
}

/** Index lists for one probe; a probe with no target token cannot be scored, so it is an error. */
export function selectTokens(
  spans: readonly Span[],
  contextLength: number,
  probeId = '?',
): { target: number[]; attributed: number[] } {
  const t = targetTokenMask(spans, contextLength);
  const a = attributedTokenMask(spans, contextLength);
  const target: number[] = [];
  const attributed: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    if (t[i]) target.push(i);
    if (a[i]) attributed.push(i);
  }
  if (target.length === 0) throw new Error(`probe ${probeId}: no target token after the context`);
  return { target, attributed };
}
