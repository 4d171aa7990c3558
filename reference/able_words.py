"""METHOD.md sections 2, 5 and 6 in Python: words, token-to-word alignment, normalisation.

An independent implementation for parity with src/text and src/able. Spans are Python string indices
(code points); the callers keep probes inside the BMP, where these equal JavaScript's UTF-16 indices.
"""

import numpy as np
import regex

# METHOD.md section 2 (the `regex` module understands \p{..} like JavaScript's `u` flag).
WORD_RE = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{M}\p{N}]")


def segment_words(text):
    return [(m.group(0), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def align_to_words(spans, attr, words):
    """Token attributions -> one value per context word (section 5). Tokens with span None are skipped."""
    out = np.zeros(len(words), dtype=np.float64)
    for sp, a in zip(spans, attr):
        if sp is None:
            continue
        s, e = sp
        overlaps = [max(0, min(e, we) - max(s, ws)) for (_, ws, we) in words]
        total = sum(overlaps)
        if total > 0:
            for j, o in enumerate(overlaps):
                if o:
                    out[j] += a * o / total
        else:
            nxt = [j for j, (_, ws, _) in enumerate(words) if ws >= e]
            if nxt:
                out[nxt[0]] += a
    return out


def word_attributions(context, spans, special, target_mask, token_attr):
    """Attributed tokens are those neither special nor target (section 4); returns (words, A)."""
    words = segment_words(context)
    keep = [None if (sp or tm) else span for span, sp, tm in zip(spans, special, target_mask)]
    return words, align_to_words(keep, token_attr, words)


def embedding(per_probe, version=1):
    """Section 6 (v1): L1 per probe (an all-zero probe is an error), concatenate, unit L2.
    v2 (docs/method.md): L2 per probe times sqrt(the probe's word count), concatenate, unit L2."""
    if version == 2:
        parts = []
        for a in per_probe:
            n = np.sqrt((a * a).sum())
            if n == 0:
                raise ValueError("all-zero attributions on a probe")
            parts.append(a / n * np.sqrt(len(a)))
        v = np.concatenate(parts)
        return v / np.linalg.norm(v)
    parts = []
    for a in per_probe:
        n = np.abs(a).sum()
        if n == 0:
            raise ValueError("all-zero attributions on a probe")
        parts.append(a / n)
    v = np.concatenate(parts)
    return v / np.linalg.norm(v)
