// GGUF -> ArchSpec (from the metadata llama.cpp's convert_hf_to_gguf writes) and a WeightStore
// that presents the tensors under Hugging Face names and layouts, undoing what the converter did:
// llama q/k row permutation, Gemma's stored (1 + w) norms, GPT-2's transposed Conv1D weights,
// GPT-NeoX's regrouped fused qkv. Quantized tensors are dequantized to float32.
import { canDequantize, dequantize, freeBytes, type GGUFFile, GGMLType, WeightsError } from '../weights/index.ts';
import type { GgufFix } from './family.ts';
import { familyOf, lookupGguf } from './registry.ts';
import { type ArchSpec, checkLayerCount, checkSpecCounts, ModelConfigError, SPEC_DEFAULTS, type RopeScaling } from './spec.ts';
import type { StoredTensor, WeightStore } from './store.ts';

type GGUFLike = Pick<GGUFFile, 'metadata' | 'tensors'>;
type Metadata = GGUFFile['metadata'];

const WHERE = 'GGUF metadata';

function meta(m: Metadata) {
  const get = (k: string) => m.get(k);
  const num = (k: string, fallback?: number): number => {
    const v = get(k);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (fallback !== undefined) return fallback;
    throw new ModelConfigError(WHERE, `missing ${k}`);
  };
  return { get, num };
}

/**
 * Pass the opened GGUF file: whether the head is tied and which biases exist are read from its
 * tensor list. Given the metadata map alone, the head is taken as tied and biases as the family's
 * usual ones; ggufStore then refuses a file that contradicts this (no silent mismatch).
 */
export function archSpecFromGguf(src: GGUFLike | Metadata): ArchSpec {
  const f: GGUFLike | null = src instanceof Map ? null : src;
  const { get, num } = meta(src instanceof Map ? src : src.metadata);
  const arch = get('general.architecture');
  if (typeof arch !== 'string') throw new ModelConfigError(WHERE, 'missing general.architecture');
  const { family, generation } = lookupGguf(arch, `${WHERE} general.architecture`);
  const k = (s: string) => `${arch}.${s}`;
  const names = new Set(f ? f.tensors.map((t) => t.name) : []);
  const embed = f?.tensors.find((t) => t.name === 'token_embd.weight');
  const hidden = num(k('embedding_length'));
  const heads = num(k('attention.head_count'));
  const headDim = num(k('attention.key_length'), hidden / heads);
  const layers = num(k('block_count'));
  const tokens = get('tokenizer.ggml.tokens');
  const vocabSize = num(k('vocab_size'), Array.isArray(tokens) ? tokens.length : (embed?.shape[0] ?? Number.NaN));
  if (!Number.isFinite(vocabSize)) throw new ModelConfigError(WHERE, 'cannot tell the vocabulary size');
  // Before anything is sized from them: counts within limits and, with the file, the layers present.
  const where = f && 'source' in f ? `${(f as GGUFFile).source.name}: ${WHERE}` : WHERE;
  const kvHeads = num(k('attention.head_count_kv'), heads);
  checkSpecCounts({ vocabSize, hidden, layers, heads, kvHeads, headDim }, where, {
    vocabSize: k('vocab_size'),
    hidden: k('embedding_length'),
    layers: k('block_count'),
    heads: k('attention.head_count'),
    kvHeads: k('attention.head_count_kv'),
    headDim: k('attention.key_length'),
  });
  if (f) checkLayerCount(layers, names, where, k('block_count'));
  const normEps = family.layerNorm ? num(k('attention.layer_norm_epsilon')) : num(k('attention.layer_norm_rms_epsilon'));
  if (names.has('rope_factors_long.weight') || names.has('rope_factors_short.weight'))
    throw new ModelConfigError(WHERE, 'longrope (rope_factors_* tensors) is not implemented');

  const scalingType = get(k('rope.scaling.type'));
  let scaling: RopeScaling = { type: 'default' };
  if (scalingType === 'linear') scaling = { type: 'linear', factor: num(k('rope.scaling.factor')) };
  else if (scalingType !== undefined && scalingType !== 'none')
    throw new ModelConfigError(WHERE, `rope scaling '${String(scalingType)}' is not implemented`);
  const theta = num(k('rope.freq_base'), 10000);
  const rotaryDim = num(k('rope.dimension_count'), headDim);
  // llama.cpp's default: a sliding window, when given, on every layer (families with patterns differ)
  const window = get(k('attention.sliding_window'));
  const swa = typeof window === 'number' && window > 0;
  const generic: ArchSpec = {
    ...SPEC_DEFAULTS,
    family: family.name,
    generation,
    architecture: `gguf:${arch}`,
    source: 'gguf',
    vocabSize,
    hidden,
    layers,
    heads,
    kvHeads,
    headDim,
    intermediate: counted(num(k('feed_forward_length')), 'intermediate', k('feed_forward_length'), where),
    normEps,
    tiedEmbeddings: true,
    rope: { theta, rotaryDim, scaling },
    layerTypes: Array.from({ length: layers }, () => (swa ? 'sliding' : 'full')),
    slidingWindow: swa ? window : null,
    attnScale: headDim ** -0.5,
  };
  // biases: the family's usual ones (fromGguf); a file's tensor list overrides them and the head
  const spec = family.fromGguf(generic, { generation, get: (s) => get(k(s)), num: (s, fallback) => num(k(s), fallback) });
  if (f) Object.assign(spec, { tiedEmbeddings: !names.has('output.weight') }, biasesOf(names));
  return spec;
}

function biasesOf(names: Set<string>) {
  return {
    qkvBias: names.has('blk.0.attn_q.bias') || names.has('blk.0.attn_qkv.bias'),
    oBias: names.has('blk.0.attn_output.bias'),
    mlpBias: names.has('blk.0.ffn_up.bias'),
  };
}

function counted(v: number, key: 'intermediate', name: string, where: string): number {
  checkSpecCounts({ [key]: v }, where, { [key]: name });
  return v;
}

interface Mapping {
  gguf: string;
  fix: GgufFix;
}

/** HF name -> GGUF name (+ the inverse of what the converter did) for one spec. */
function nameMap(spec: ArchSpec, ggufNames: Set<string>): Map<string, Mapping> {
  const m = new Map<string, Mapping>();
  const add = (hf: string, gguf: string, fix: GgufFix = 'none') => {
    if (ggufNames.has(gguf)) m.set(hf, { gguf, fix });
  };
  const wb = (hf: string, gguf: string, fix: GgufFix = 'none', biasFix: GgufFix = 'none') => {
    add(`${hf}.weight`, `${gguf}.weight`, fix);
    add(`${hf}.bias`, `${gguf}.bias`, biasFix);
  };
  familyOf(spec).ggufNames(spec, { add, wb });
  return m;
}

/** Rows of a [rows, cols] matrix reordered: out row r = in row src(r). */
function permuteRows(x: Float32Array, rows: number, src: (r: number) => number): Float32Array {
  const cols = x.length / rows;
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) out.set(x.subarray(src(r) * cols, (src(r) + 1) * cols), r * cols);
  return out;
}

/** llama.cpp's permute for interleaved rope, undone: HF row (h, t, j) = GGUF row (h, j, t). */
function unpermuteLlama(x: Float32Array, rows: number, nHead: number): Float32Array {
  const n = rows / nHead / 2;
  return permuteRows(x, rows, (r) => {
    const h = Math.floor(r / (2 * n));
    const t = Math.floor((r % (2 * n)) / n);
    const j = r % n;
    return h * 2 * n + 2 * j + t;
  });
}

function applyFix(fix: GgufFix, x: Float32Array, shape: number[], spec: ArchSpec): Float32Array {
  const rows = shape[0];
  switch (fix) {
    case 'permuteQ':
      return unpermuteLlama(x, rows, spec.heads);
    case 'permuteK':
      return unpermuteLlama(x, rows, spec.kvHeads);
    case 'gemmaNorm':
      // GGUF stores 1 + w; our Gemma norms (like transformers) multiply by 1 + w
      return x.map((v) => v - 1);
    case 'transpose': {
      if (shape.length === 1) return x;
      const [r, c] = shape;
      const out = new Float32Array(x.length);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
      return out;
    }
    case 'neoxQkv': {
      // GGUF groups [q of all heads | k | v]; HF interleaves per head [h: q k v]
      const H = spec.heads;
      const hd = rows / 3 / H;
      return permuteRows(x, rows, (r) => {
        const h = Math.floor(r / (3 * hd));
        const j = Math.floor((r % (3 * hd)) / hd);
        return j * H * hd + h * hd + (r % hd);
      });
    }
    default:
      return x;
  }
}

const asBytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * The tensors of a GGUF file under HF names (see the file comment for what is undone).
 * `lazy`: dequantized tensors come as LazyBytes (dequantized again each time a session copies them
 * in) instead of float32 bytes held for the model's life: the tab's memory, at the cost of one
 * dequantization per session. Their quantized blocks are re-read each time where the source reads
 * synchronously (a File in a worker), else kept.
 */
export function ggufStore(file: GGUFFile, spec: ArchSpec, opts: { lazy?: boolean } = {}): WeightStore {
  const fileName = file.source.name;
  const infos = new Map(file.tensors.map((t) => [t.name, t]));
  const have = new Set(infos.keys());
  checkLayerCount(spec.layers, have, fileName, 'the spec');
  const map = nameMap(spec, have);
  const actual = { tiedEmbeddings: !have.has('output.weight'), ...biasesOf(have) };
  for (const [k, v] of Object.entries(actual))
    if (spec[k as keyof typeof actual] !== v)
      throw new ModelConfigError(
        fileName,
        `the spec says ${k}=${spec[k as keyof typeof actual]} but the file's tensors say ${v}: build the spec with archSpecFromGguf(ggufFile), not from its metadata alone`,
      );
  return {
    file: fileName,
    names: () => [...map.keys()],
    async get(name): Promise<StoredTensor> {
      const m = map.get(name);
      if (!m) throw new WeightsError(fileName, `no tensor for '${name}'`);
      const info = infos.get(m.gguf)!;
      const fix = m.fix;
      const shape = fix === 'transpose' && info.shape.length === 2 ? [info.shape[1], info.shape[0]] : [...info.shape];
      const where = `${fileName}: tensor '${m.gguf}'`;
      const readSync = file.source.readSync?.bind(file.source);
      const dequantizable = info.type !== GGMLType.F16 && info.type !== GGMLType.BF16;
      if (opts.lazy && readSync && (fix !== 'none' || dequantizable)) {
        if (!canDequantize(info.type)) throw new WeightsError(fileName, `tensor '${m.gguf}': cannot dequantize ggml type ${info.type}`);
        const t = file.tensor(m.gguf);
        const load = () => {
          const raw = readSync(t.offset, t.byteLength);
          const x = dequantize(info.type, raw, where);
          const y = applyFix(fix, x, info.shape, spec);
          // freed now, not at the next GC: a session's creation reads every tensor in one go
          freeBytes(raw);
          if (y !== x) freeBytes(x);
          return asBytes(y);
        };
        // unfixed matrices by rows: each row is whole ggml blocks (a row length is a multiple of the block size)
        const [rows, cols] = info.shape;
        const rowBytes = t.byteLength / rows;
        const byRows = (start: number, count: number) => ({
          byteLength: 4 * count * cols,
          load: () => {
            const raw = readSync(t.offset + start * rowBytes, count * rowBytes);
            const x = dequantize(info.type, raw, where);
            freeBytes(raw);
            return asBytes(x);
          },
        });
        const split = fix === 'none' && info.shape.length === 2 && Number.isInteger(rowBytes);
        return { dtype: 'float32', shape, lazy: { byteLength: 4 * info.shape.reduce((a, b) => a * b, 1), load, ...(split ? { rows: byRows } : {}) } };
      }
      const raw = await file.readRaw(m.gguf);
      if (fix === 'none' && info.type === GGMLType.F16) return { dtype: 'float16', shape, bytes: raw };
      if (fix === 'none' && info.type === GGMLType.BF16) return { dtype: 'bfloat16', shape, bytes: raw };
      const make = () => asBytes(applyFix(fix, dequantize(info.type, raw, where), info.shape, spec));
      if (opts.lazy) return { dtype: 'float32', shape, lazy: { byteLength: 4 * info.shape.reduce((a, b) => a * b, 1), load: make } };
      return { dtype: 'float32', shape, bytes: make() };
    },
  };
}
