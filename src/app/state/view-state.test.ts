import { describe, expect, it } from 'vitest';
import { decodeShared, encodeShared, MAX_SHARED_CHARS, quantize } from './shared-embedding';
import { decodeViewState, defaultViewState, encodeViewState, isHistoryStep, type ViewState } from './view-state';

const full: ViewState = {
  v: 1,
  selected: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  compare: 'Qwen/Qwen2.5-0.5B',
  zoom: { k: 3.25, cx: -1.5, cy: 0.125 },
  colourBy: 'bench:mmlu_pro',
  sizeBy: 'params',
  filters: { family: ['SmolLM2', 'Qwen2.5'], organisation: ['Qwen'], licence: ['apache-2.0'], params: [0.1, 7], embedded: 'embedded' },
  projection: { method: 'umap', nNeighbors: 8, minDist: 0.25, seed: 7 },
  lineage: true,
  tab: 'compare',
  table: { sort: 'bench:ifeval', desc: false, query: 'smollm2 q8' },
  density: true,
  shared: encodeShared('my model', 'ab'.repeat(32), Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) / 10)),
};

describe('view state in the URL', () => {
  it('round-trips every field exactly', () => {
    const params = encodeViewState(full);
    const back = decodeViewState(new URLSearchParams(params.toString()));
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(full);
  });

  it('writes only the version for the default view and keeps foreign parameters', () => {
    const params = encodeViewState(defaultViewState(), new URLSearchParams('threads=2&sel=old'));
    expect(params.toString()).toBe('threads=2&v=1');
    expect(decodeViewState(params)).toEqual({ state: defaultViewState(), problems: [] });
  });

  it('a URL without view parameters is the default view, silently', () => {
    expect(decodeViewState(new URLSearchParams('threads=2'))).toEqual({ state: defaultViewState(), problems: [] });
  });

  it('falls back field by field on a tampered link and says why', () => {
    const p = new URLSearchParams(encodeViewState(full).toString());
    p.set('z', '0,NaN,1');
    p.set('c', '<script>');
    p.set('p', 'umap,1,5,x');
    p.set('fp', '9,1');
    const { state, problems } = decodeViewState(p);
    expect(state.zoom).toBeNull();
    expect(state.colourBy).toBe('family');
    expect(state.projection).toEqual(defaultViewState().projection);
    expect(state.filters.params).toBeNull();
    // the valid fields survive
    expect(state.selected).toBe(full.selected);
    expect(state.sizeBy).toBe('params');
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/zoom/);
    expect(problems.join('\n')).toMatch(/colour-by/);
  });

  it('rejects an unknown version as a whole', () => {
    const p = new URLSearchParams('v=99&sel=a/b');
    const { state, problems } = decodeViewState(p);
    expect(state).toEqual(defaultViewState());
    expect(problems[0]).toMatch(/version "99"/);
  });

  it('takes ids with spaces or markup as text (issue 13: such links were generated, then refused)', () => {
    const { state, problems } = decodeViewState(new URLSearchParams('v=1&sel=a%20b&cmp=x"y'));
    expect(state.selected).toBe('a b');
    expect(state.compare).toBe('x"y');
    expect(problems).toHaveLength(0);
  });

  it('selection and comparison changes are history steps; zoom and colour are not', () => {
    const a = defaultViewState();
    expect(isHistoryStep(a, { ...a, selected: 'x/y' })).toBe(true);
    expect(isHistoryStep(a, { ...a, compare: 'x/y' })).toBe(true);
    expect(isHistoryStep(a, { ...a, zoom: { k: 2, cx: 0, cy: 0 } })).toBe(false);
    expect(isHistoryStep(a, { ...a, colourBy: 'params' })).toBe(false);
  });

  it('a shared in-tab embedding survives the link: name, spec hash, and the int8 vector exactly', () => {
    const v = Float32Array.from({ length: 2022 }, (_, i) => Math.cos(i * 0.37) * (i % 7 === 0 ? 0.2 : 0.01));
    const enc = encodeShared('HuggingFaceTB/SmolLM2-135M (tab)', 'cd'.repeat(32), v);
    const back = decodeShared(enc.code);
    expect(back.name).toBe('HuggingFaceTB/SmolLM2-135M (tab)');
    expect(back.specHash).toBe('cd'.repeat(32));
    // dequantized values are q * scale, the quantization of the original
    const { scale, q } = quantize(v);
    expect(Array.from(back.vector)).toEqual(Array.from(q, (x) => Math.fround(x * scale)));
    // int8 with one scale keeps the direction: cosine to the original
    let dot = 0;
    let na = 0;
    let nb = 0;
    v.forEach((x, i) => {
      dot += x * back.vector[i];
      na += x * x;
      nb += back.vector[i] ** 2;
    });
    expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.999);
    // re-encoding what was decoded gives the same link text
    expect(encodeShared(back.name, back.specHash, back.vector).code).toBe(enc.code);
    expect(enc.code.length).toBeLessThanOrEqual(MAX_SHARED_CHARS);
  });

  it('refuses a tampered or oversized shared embedding with a message, keeping the rest of the view', () => {
    for (const bad of ['!!!', 'AAAA', 'x'.repeat(MAX_SHARED_CHARS + 1)]) {
      const { state, problems } = decodeViewState(new URLSearchParams(`v=1&sel=a/b&e=${bad}`));
      expect(state.shared).toBeNull();
      expect(state.selected).toBe('a/b');
      expect(problems[0]).toMatch(/shared in-tab model was ignored/);
    }
    expect(() => encodeShared('x', 'ab'.repeat(32), Float32Array.from({ length: 40000 }, () => Math.random() - 0.5))).toThrow(/over the 6000 limit/);
  });

  it('table sort and filter text round-trip; a bad sort falls back with a message', () => {
    const s = { ...defaultViewState(), tab: 'table' as const, table: { sort: 'params', desc: false, query: 'qwen coder' } };
    expect(decodeViewState(encodeViewState(s)).state).toEqual(s);
    const { state, problems } = decodeViewState(new URLSearchParams('v=1&ts=params:sideways'));
    expect(state.table).toEqual(defaultViewState().table);
    expect(problems[0]).toMatch(/table sort/);
  });
});

describe('share-link ids with markup characters (issue 13 defect 11)', () => {
  it('an id containing <, >, " and spaces round-trips instead of being refused', () => {
    const s = defaultViewState();
    s.selected = 'lab/<b>"quoted" model</b>.gguf';
    s.compare = "org/name's <script>window.__pwned=1</script>";
    const d = decodeViewState(encodeViewState(s));
    expect(d.problems).toEqual([]);
    expect(d.state.selected).toBe(s.selected);
    expect(d.state.compare).toBe(s.compare);
  });
  it('control characters are still refused', () => {
    const d = decodeViewState(new URLSearchParams('v=1&sel=a%00b'));
    expect(d.state.selected).toBeNull();
    expect(d.problems[0]).toMatch(/is not a valid model id/);
  });
});
