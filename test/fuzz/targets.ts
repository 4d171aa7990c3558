// The fuzz targets of issue 13: each a parser or loader fed mutations of a real valid input plus
// generated inputs. A target's `run` drives the input as far as the app or the CLI would (a GGUF is
// opened, its spec built, its tensors loaded and its tokenizer run), and checks the invariants a
// caller relies on; a broken invariant throws InvariantError, which the runner counts as a crash.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { type EmbeddingRecord, embeddingToBin, embeddingToJson, parseEmbeddingBin, parseEmbeddingJson } from '../../src/able/embedding-file.ts';
import { PROBE_SET_V1, probeSetRef, validateProbeSet } from '../../src/able/probes/index.ts';
import { makeSpec, specHash } from '../../src/able/spec.ts';
// biome-ignore lint/style/noRestrictedImports: AtlasVectors is DOM-free and is what the app builds from an atlas (a fuzz target)
import { AtlasVectors } from '../../src/app/data/atlas-vectors.ts';
// biome-ignore lint/style/noRestrictedImports: ExplorerData is DOM-free and is what the app builds from an atlas (a fuzz target)
import { ExplorerData } from '../../src/app/data/explorer-data.ts';
// biome-ignore lint/style/noRestrictedImports: the share-link decoder is DOM-free (a fuzz target)
import { decodeViewState, encodeViewState } from '../../src/app/state/view-state.ts';
import { encodeFloat16 } from '../../src/atlas/float16.ts';
import { type AtlasJson, readAtlas } from '../../src/atlas/format.ts';
import { parseJsonFile } from '../../src/atlas/inputs.ts';
import { archSpecFromGguf, ggufStore, loadModel } from '../../src/models/index.ts';
import { byteStream, type UnicodeForm } from '../../src/text/byte-stream.ts';
import { ggufTokenizerFiles, loadTokenizer, segmentWords, tokenizerFromGguf } from '../../src/text/index.ts';
import { alignTokenSpans, type TokenByteScheme } from '../../src/text/spans.ts';
import { BytesSource, openGGUF, openSafetensors } from '../../src/weights/index.ts';
import { microLlamaGguf } from './gguf-writer.ts';
import { mutatedBytes, mutatedJson, mutatedJsonText } from './mutate.ts';
import { type FuzzTarget, InvariantError } from './runner.ts';

const fixture = (p: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${p}`, import.meta.url)));
const check = (ok: boolean, what: string) => {
  if (!ok) throw new InvariantError(what);
};

/** Text with the characters that stress tokenizers and span alignment. */
const text = fc.oneof(
  fc.string({ maxLength: 60, unit: 'grapheme' }),
  fc.string({ maxLength: 60, unit: 'binary' }),
  fc.constantFrom('the cat sat on the mat', '', ' ', '\u0000', '👩‍👩‍👧 e\u0301 ﬁ Ⅻ', '<|endoftext|> the', '\uFEFFthe', 'ĠtheĠ'),
);

function checkSpans(spans: readonly (readonly [number, number] | null)[], n: number, len: number, who: string) {
  check(spans.length === n, `${who}: ${spans.length} spans for ${n} tokens`);
  for (const s of spans) check(s === null || (Number.isInteger(s[0]) && s[0] >= 0 && s[0] <= s[1] && s[1] <= len), `${who}: span ${JSON.stringify(s)} outside text of ${len}`);
}

// ---- GGUF: reader, spec, tensor load, tokenizer --------------------------------------------

const MICRO = microLlamaGguf();
const TINY_GGUF = fixture('weights/tiny.gguf');

export const ggufTarget: FuzzTarget<Uint8Array> = {
  name: 'gguf',
  arbitrary: fc.oneof({ weight: 4, arbitrary: mutatedBytes(MICRO) }, { weight: 1, arbitrary: mutatedBytes(TINY_GGUF) }),
  async run(bytes) {
    const f = await openGGUF(new BytesSource('fuzz.gguf', bytes));
    if (!f.metadata.has('general.architecture')) {
      for (const t of f.tensors) await f.readFloat32(t.name);
      return;
    }
    const spec = archSpecFromGguf(f);
    const model = await loadModel(spec, ggufStore(f, spec));
    check(model.tensors.size > 0, 'loaded model without tensors');
    const tok = tokenizerFromGguf(f.metadata);
    const s = 'the cat sat';
    const enc = tok.encode(s);
    checkSpans(enc.spans, enc.ids.length, s.length, 'gguf tokenizer');
    for (const id of enc.ids) check(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `token id ${id} outside vocabulary ${tok.vocabSize}`);
  },
};

// ---- safetensors -----------------------------------------------------------------------------

const TINY_ST = fixture('weights/tiny.safetensors');
const stHeader = fc
  .dictionary(
    fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__metadata__', 'w', 'b')),
    fc.oneof(
      fc.record({
        dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I8', 'U8', 'F64', 'I64', 'BOOL', 'F8_E4M3', 'Q4', ''),
        shape: fc.array(fc.oneof(fc.nat({ max: 8 }), fc.constantFrom(-1, 2 ** 31, 2 ** 53, 1.5)), { maxLength: 4 }),
        data_offsets: fc.tuple(fc.oneof(fc.nat({ max: 300 }), fc.constantFrom(-4, 2 ** 53, 1e300)), fc.oneof(fc.nat({ max: 300 }), fc.constantFrom(-4, 2 ** 53))),
      }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxKeys: 5 },
  )
  .chain((h) =>
    fc.uint8Array({ maxLength: 300 }).map((data) => {
      const head = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + head.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
      out.set(head, 8);
      out.set(data, 8 + head.length);
      return out;
    }),
  );

export const safetensorsTarget: FuzzTarget<Uint8Array> = {
  name: 'safetensors',
  arbitrary: fc.oneof({ weight: 3, arbitrary: mutatedBytes(TINY_ST) }, { weight: 2, arbitrary: stHeader }),
  async run(bytes) {
    const f = await openSafetensors(new BytesSource('fuzz.safetensors', bytes));
    for (const t of f.tensors) {
      const x = await f.readFloat32(t.name);
      check(x.length === t.shape.reduce((a, b) => a * b, 1), `tensor ${t.name}: ${x.length} values for shape ${t.shape}`);
    }
  },
};

// ---- tokenizer.json loading and span alignment ---------------------------------------------

const microGguf = await openGGUF(new BytesSource('micro.gguf', MICRO));
const { tokenizerJson, tokenizerConfig } = ggufTokenizerFiles(microGguf.metadata);
const TOK_BASE = { tokenizer: tokenizerJson, config: tokenizerConfig };

export const tokenizerTarget: FuzzTarget<{ t: any; text: string }> = {
  name: 'tokenizer.json',
  arbitrary: fc.record({ t: mutatedJson(TOK_BASE as never), text }),
  run({ t, text }) {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new Error('tokenizer files: expected an object');
    const tok = loadTokenizer(t.tokenizer, t.config);
    const enc = tok.encode(text);
    checkSpans(enc.spans, enc.ids.length, text.length, 'tokenizer');
  },
};

const piece = fc.record({
  token: fc.oneof(fc.string({ maxLength: 6, unit: 'binary' }), fc.constantFrom('Ġ', '▁', '<0x0A>', '<0xFF>', '<0xZZ>', 'Ġthe', '▁the', '')),
  special: fc.boolean(),
  added: fc.boolean(),
});

export const spansTarget: FuzzTarget<{ text: string; pieces: { token: string; special: boolean; added: boolean }[]; scheme: TokenByteScheme; form: UnicodeForm | null }> = {
  name: 'span alignment',
  neverRefuses: true,
  arbitrary: fc.record({
    text,
    pieces: fc.array(piece, { maxLength: 40 }),
    scheme: fc.constantFrom<TokenByteScheme>('byte-level', 'sentencepiece', 'plain'),
    form: fc.constantFrom<UnicodeForm | null>(null, 'NFC', 'NFD', 'NFKC', 'NFKD'),
  }),
  run({ text, pieces, scheme, form }) {
    const { spans } = alignTokenSpans(byteStream(text, form), pieces, scheme);
    checkSpans(spans, pieces.length, text.length, 'alignTokenSpans');
  },
};

// ---- probe set -------------------------------------------------------------------------------

// Mostly a 12-probe set under proportionally smaller limits (the same validator, 10x cheaper per
// case), and one case in five the real v1 file under the real limits.
const SMALL_LIMITS = { minProbes: 8, maxProbes: 16, minWords: 6, maxWords: 24 };
const SMALL_SET = { ...PROBE_SET_V1, probes: PROBE_SET_V1.probes.slice(0, 12) };

export const probesTarget: FuzzTarget<{ txt: string; small: boolean }> = {
  name: 'probe set',
  arbitrary: fc.oneof(
    { weight: 4, arbitrary: mutatedJsonText(SMALL_SET as never).map((txt) => ({ txt, small: true })) },
    { weight: 1, arbitrary: mutatedJsonText(PROBE_SET_V1 as never).map((txt) => ({ txt, small: false })) },
  ),
  run({ txt, small }) {
    let raw: unknown;
    try {
      raw = JSON.parse(txt);
    } catch (e) {
      throw new Error(`probes.json: not valid JSON (${(e as Error).message})`);
    }
    const limits = small ? SMALL_LIMITS : undefined;
    const set = validateProbeSet(raw, (t) => segmentWords(t).length, limits);
    check(set.probes.length >= (small ? 8 : 128), 'accepted a probe set below the limit');
  },
};

// ---- atlas (core reader + the app's ExplorerData) -----------------------------------------

const DIM = 6;
const atlasBase: AtlasJson = {
  format: 'able-atlas/1',
  spec: null,
  specHash: null,
  dim: DIM,
  probes: [{ id: 'p1', domain: 'facts', context: 'Paris is in France', target: ' .', words: [[0, 5], [6, 8], [9, 11], [12, 18]], offset: 0 }],
  embeddings: { file: 'embeddings.f16', dtype: 'float16', rows: 3 },
  layout: { method: 'umap', nNeighbors: 15, minDist: 0.1, seed: 42, metric: 'cosine' },
  knnK: 2,
  models: ['a/x', 'b/y', 'c/z', 'd/w'].map((id, i) => ({
    id,
    family: 'F',
    organisation: id.split('/')[0],
    paramsB: 0.1 * (i + 1),
    architecture: 'LlamaForCausalLM',
    licence: 'mit',
    lineage: i ? [{ parent: 'a/x', type: 'fine-tune' as const }] : [],
    benchmarks: i === 1 ? ({ avg: 10, bbh: 3 } as never) : null,
    benchmarkSource: i === 1 ? 'open-llm-leaderboard-v2' : null,
    row: i < 3 ? i : null,
    xy: i < 3 ? ([i, -i] as [number, number]) : null,
    knn: i < 3 ? ([[(i + 1) % 3, 0.5], [(i + 2) % 3, 0.25]] as [number, number][]) : [],
    provenance: i < 3 ? { where: 'fuzz', how: 'able embed', date: '2026-01-01' } : null,
    origin: 'manifest' as const,
  })),
};
const atlasBlock = encodeFloat16(Float32Array.from({ length: 3 * DIM }, (_, i) => Math.sin(i + 1)));

export const atlasTarget: FuzzTarget<{ json: string; bytes: Uint8Array }> = {
  name: 'atlas',
  arbitrary: fc.record({
    json: mutatedJsonText(atlasBase as never),
    bytes: fc.oneof({ weight: 4, arbitrary: fc.constant(atlasBlock) }, { weight: 1, arbitrary: mutatedBytes(atlasBlock) }),
  }),
  run({ json, bytes }) {
    // as the app reads it (src/app/data/useAtlas.ts)
    const raw = parseJsonFile(json, 'atlas.json');
    const atlas = readAtlas(raw, bytes);
    const data = new ExplorerData(atlas.json);
    const vectors = new AtlasVectors(atlas);
    for (let i = 0; i < data.models.length; i++) {
      vectors.similarityTo(i);
      for (const n of vectors.neighbours(i, 5)) check(n.index >= 0 && n.index < data.models.length, `neighbour index ${n.index}`);
    }
  },
};

// ---- share link ------------------------------------------------------------------------------

const KEYS = ['v', 'sel', 'cmp', 'z', 'c', 's', 'ff', 'fo', 'fl', 'fp', 'fe', 'p', 'lin', 'tab', 'threads', 'embed'];
const payload = fc.oneof(
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom('<script>window.__pwned=1</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '1', '0', '-1', 'NaN', 'Infinity', '1e309', 'umap,15,0.1,42', '2,0,0', 'a|b|c', 'x'.repeat(5000), '%00', '__proto__'),
  fc.array(fc.constantFrom('1', ',', '.', 'e', '-', '|', 'umap', 'pca', 'NaN'), { maxLength: 12 }).map((xs) => xs.join('')),
);
const query = fc.oneof(
  fc.array(fc.tuple(fc.constantFrom(...KEYS), payload), { maxLength: 10 }).map((kv) => {
    const p = new URLSearchParams(kv);
    if (!p.has('v') && kv.length) p.set('v', '1');
    return p.toString();
  }),
  fc.string({ maxLength: 200, unit: 'binary' }),
);

export const shareLinkTarget: FuzzTarget<string> = {
  name: 'share link',
  neverRefuses: true,
  arbitrary: query,
  run(q) {
    let d: ReturnType<typeof decodeViewState>;
    try {
      d = decodeViewState(new URLSearchParams(q));
    } catch (e) {
      throw new InvariantError(`decodeViewState threw: ${(e as Error).message}`);
    }
    // what a link says must survive being re-shared: encode -> decode gives no complaints, and
    // one more round gives the same state
    const again = decodeViewState(encodeViewState(d.state));
    check(again.problems.length === 0, `re-shared link refused: ${again.problems.join('; ')}`);
    const third = decodeViewState(encodeViewState(again.state));
    check(JSON.stringify(third.state) === JSON.stringify(again.state), 'share link state changes on re-sharing');
  },
};

// ---- embedding files -------------------------------------------------------------------------

const spec = makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1) });
const vec = Float32Array.from({ length: 24 }, (_, i) => Math.cos(i));
const nrm = Math.hypot(...vec);
const REC: EmbeddingRecord = {
  format: 'able-embedding/1',
  spec,
  specHash: await specHash(spec),
  model: { hubId: 'org/name', revision: 'main' },
  engine: { name: 'able-atlas', version: '0.1.0', provider: 'cpu' },
  computed: { where: 'fuzz', date: '2026-01-01T00:00:00Z', wallTimeS: 1 },
  probeTimingsMs: [1, 2],
  targetLogProbs: [-1, -2],
  dim: 24,
  vector: vec.map((x) => x / nrm),
};

export const embeddingTarget: FuzzTarget<{ json?: string; bin?: Uint8Array }> = {
  name: 'embedding file',
  arbitrary: fc.oneof(
    fc.record({ json: mutatedJsonText(JSON.parse(embeddingToJson(REC))) }),
    fc.record({ json: mutatedJsonText(JSON.parse(embeddingToJson(REC, { base64: true }))) }),
    fc.record({ bin: mutatedBytes(embeddingToBin(REC)) }),
  ),
  async run({ json, bin }) {
    const rec = json !== undefined ? await parseEmbeddingJson(json) : await parseEmbeddingBin(bin!);
    check(rec.vector.length === rec.dim, 'accepted vector length differs from dim');
  },
};

export const TARGETS: FuzzTarget<any>[] = [
  ggufTarget,
  safetensorsTarget,
  tokenizerTarget,
  spansTarget,
  probesTarget,
  atlasTarget,
  shareLinkTarget,
  embeddingTarget,
];
