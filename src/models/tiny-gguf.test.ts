// The GGUF path on the tiny llama fixture: its float16 tensors are rewritten as a GGUF file would
// hold them (llama.cpp names, attn_q/attn_k rows permuted exactly as convert_hf_to_gguf's
// LlamaModel.permute does, F32 data, llama.* metadata). archSpecFromGguf + ggufStore must undo it
// and reproduce the PyTorch golden values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { webRuntime } from '../platform/web/runtime-web.ts';
import { BytesSource, type GGUFFile, GGMLType, openSafetensors } from '../weights/index.ts';
import { type ArchSpec, type AttributionSession, archSpecFromConfig, archSpecFromGguf, createAttributionSession, ggufStore, loadModel } from './index.ts';
import { TABLE_BLOCK } from './graph.ts';
import { compareCase, type Golden, padCase } from './tiny-fixtures.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/tiny/llama');

/** convert_hf_to_gguf.py LlamaModel.permute: reshape(n_head, 2, rows/n_head/2, cols).swapaxes(1, 2). */
function permute(x: Float32Array, rows: number, nHead: number): Float32Array {
  const cols = x.length / rows;
  const n = rows / nHead / 2;
  const out = new Float32Array(x.length);
  for (let h = 0; h < nHead; h++)
    for (let t = 0; t < 2; t++)
      for (let j = 0; j < n; j++) {
        const src = h * 2 * n + t * n + j; // (h, t, j) of the HF layout
        const dst = h * 2 * n + j * 2 + t; // after swapaxes: (h, j, t)
        out.set(x.subarray(src * cols, (src + 1) * cols), dst * cols);
      }
  return out;
}

const HF_TO_GGUF: [RegExp, string][] = [
  [/^model\.embed_tokens\.weight$/, 'token_embd.weight'],
  [/^lm_head\.weight$/, 'output.weight'],
  [/^model\.norm\.weight$/, 'output_norm.weight'],
  [/^model\.layers\.(\d+)\.input_layernorm\.weight$/, 'blk.$1.attn_norm.weight'],
  [/^model\.layers\.(\d+)\.post_attention_layernorm\.weight$/, 'blk.$1.ffn_norm.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.q_proj\.weight$/, 'blk.$1.attn_q.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.k_proj\.weight$/, 'blk.$1.attn_k.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.v_proj\.weight$/, 'blk.$1.attn_v.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.o_proj\.weight$/, 'blk.$1.attn_output.weight'],
  [/^model\.layers\.(\d+)\.mlp\.gate_proj\.weight$/, 'blk.$1.ffn_gate.weight'],
  [/^model\.layers\.(\d+)\.mlp\.up_proj\.weight$/, 'blk.$1.ffn_up.weight'],
  [/^model\.layers\.(\d+)\.mlp\.down_proj\.weight$/, 'blk.$1.ffn_down.weight'],
];

/** A GGUFFile over tensors held in memory (what openGGUF would hand over for such a file). */
function fakeFile(name: string, metadata: Map<string, any>, tensors: GGUFFile['tensors'], data: Map<string, Uint8Array>): GGUFFile {
  const unused = async (): Promise<never> => {
    throw new Error('unused');
  };
  return {
    source: new BytesSource(name, new Uint8Array(0)),
    version: 3,
    alignment: 32,
    metadata,
    metadataTypes: new Map(),
    tensors,
    dataOffset: 0,
    tensor: (n) => tensors.find((t) => t.name === n)!,
    readRaw: async (n) => data.get(n)!,
    readFloat32: unused,
    readRows: unused,
  };
}

async function fakeGguf(): Promise<GGUFFile> {
  const c = JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8'));
  const st = await openSafetensors(new BytesSource('llama/model.safetensors', new Uint8Array(readFileSync(join(DIR, 'model.safetensors')))));
  const data = new Map<string, Uint8Array>();
  const tensors: GGUFFile['tensors'] = [];
  for (const t of st.tensors) {
    const rule = HF_TO_GGUF.find(([re]) => re.test(t.name));
    if (!rule) throw new Error(`no GGUF name for ${t.name}`);
    const name = t.name.replace(rule[0], rule[1]);
    let x = await st.readFloat32(t.name);
    if (name.includes('attn_q.')) x = permute(x, t.shape[0], c.num_attention_heads);
    if (name.includes('attn_k.')) x = permute(x, t.shape[0], c.num_key_value_heads);
    data.set(name, new Uint8Array(x.buffer));
    const shape = [...t.shape];
    tensors.push({ name, type: GGMLType.F32, typeName: 'F32', dims: [...shape].reverse(), shape, nElements: x.length, offset: 0, byteLength: x.byteLength });
  }
  const metadata = new Map<string, any>([
    ['general.architecture', 'llama'],
    ['llama.embedding_length', c.hidden_size],
    ['llama.block_count', c.num_hidden_layers],
    ['llama.feed_forward_length', c.intermediate_size],
    ['llama.attention.head_count', c.num_attention_heads],
    ['llama.attention.head_count_kv', c.num_key_value_heads],
    ['llama.attention.key_length', c.head_dim],
    ['llama.attention.value_length', c.head_dim],
    ['llama.rope.dimension_count', c.head_dim],
    ['llama.rope.freq_base', c.rope_parameters.rope_theta],
    ['llama.attention.layer_norm_rms_epsilon', Math.fround(c.rms_norm_eps)],
    ['llama.context_length', c.max_position_embeddings],
    ['llama.vocab_size', c.vocab_size],
  ]);
  return fakeFile('tiny-llama.gguf', metadata, tensors, data);
}

/** Every golden case through a session with logits (B = 1): logits, f and the gradient as PyTorch's. */
async function expectGolden(s: AttributionSession, golden: Golden, T: number, spec: ArchSpec): Promise<void> {
  for (const c of golden.cases) {
    const { ids, mask } = padCase(c, T);
    const out = await s.run(ids, mask, Float32Array.of(1));
    const fig = compareCase({ f: out.f[0], grad: out.grad, embeds: out.embeds, logits: out.logits }, c, spec.hidden, spec.vocabSize, golden.logitsSampleIds);
    expect(fig.logitsMaxAbsErr, c.id).toBeLessThanOrEqual(1e-4);
    expect(fig.gradCosine, c.id).toBeGreaterThanOrEqual(0.9999);
    expect(fig.fAbsErr, c.id).toBeLessThanOrEqual(1e-4);
  }
}

describe('GGUF path on the tiny llama (permuted q/k rows, llama.cpp names)', () => {
  it('spec from metadata equals the spec from config.json where they overlap', async () => {
    const g = archSpecFromGguf(await fakeGguf());
    const h = archSpecFromConfig(JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')));
    for (const k of ['family', 'vocabSize', 'hidden', 'layers', 'heads', 'kvHeads', 'headDim', 'intermediate', 'tiedEmbeddings', 'rope', 'layerTypes', 'attnScale'] as const)
      expect(g[k], k).toEqual(h[k]);
    expect(g.normEps).toBeCloseTo(h.normEps, 12);
  });

  it('reproduces the PyTorch golden logits and gradients', async () => {
    const file = await fakeGguf();
    const spec = archSpecFromGguf(file);
    const model = await loadModel(spec, ggufStore(file, spec));
    const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as Golden;
    const T = Math.max(...golden.cases.map((c) => c.ids.length));
    const s = await createAttributionSession(nodeRuntime, model, { T, B: 1, logits: true });
    await expectGolden(s, golden, T, spec);
    await s.release();
  });

  it('weights made on demand (the tab on WASM): the same bytes, read once per session by onnxruntime-web', async () => {
    const file = await fakeGguf();
    // one file holding every tensor, read synchronously as a worker reads a File: fresh bytes per read
    let size = 0;
    const tensors = file.tensors.map((t) => {
      const at = { ...t, offset: size };
      size += t.byteLength;
      return at;
    });
    const all = new Uint8Array(size);
    for (const t of tensors) all.set(await file.readRaw(t.name), t.offset);
    const reads: number[] = [];
    const readSync = (offset: number, length: number) => {
      reads.push(offset);
      return all.slice(offset, offset + length);
    };
    const source = Object.assign(new BytesSource('tiny-llama.gguf', all), { readSync });
    const onDemand: GGUFFile = { ...file, source, tensors, tensor: (n) => tensors.find((t) => t.name === n)! };
    const spec = archSpecFromGguf(file);
    const eager = await loadModel(spec, ggufStore(file, spec));
    const lazy = await loadModel(spec, ggufStore(onDemand, spec, { lazy: true }));
    expect(reads).toHaveLength(0); // nothing read until a session copies the weights in
    for (const [name, t] of eager.tensors) {
      const l = lazy.tensors.get(name)!;
      if (!('lazy' in l) || !('bytes' in t)) throw new Error(`${name}: expected bytes and made-on-demand bytes`);
      expect(Buffer.from(l.lazy.load()).equals(Buffer.from(t.bytes)), name).toBe(true);
    }
    reads.length = 0;
    const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as Golden;
    const T = Math.max(...golden.cases.map((c) => c.ids.length));
    const s = await createAttributionSession(webRuntime(['wasm']), lazy, { T, B: 1, logits: true });
    expect(new Set(reads).size).toBe(reads.length);
    expect(reads.length).toBe(lazy.tensors.size);
    await expectGolden(s, golden, T, spec);
    await s.release();

    // the same with the tables handed over as row blocks (a threshold below the tiny tables' size)
    const saved = TABLE_BLOCK.bytes;
    TABLE_BLOCK.bytes = 4096;
    try {
      reads.length = 0;
      const split = await createAttributionSession(webRuntime(['wasm']), lazy, { T, B: 1, logits: true });
      expect(reads.length).toBeGreaterThan(lazy.tensors.size);
      await expectGolden(split, golden, T, spec);
      await split.release();
      // and the head at the target positions only (what embedding runs use)
      const K = 2;
      const pick = await createAttributionSession(webRuntime(['wasm']), lazy, { T, B: 1, maxTargets: K });
      const whole = await createAttributionSession(nodeRuntime, eager, { T, B: 1, maxTargets: K });
      const c = golden.cases[0];
      const { ids, mask } = padCase(c, T);
      const a = await pick.run(ids, mask, Float32Array.of(1));
      const b = await whole.run(ids, mask, Float32Array.of(1));
      expect(Math.abs(a.f[0] - b.f[0])).toBeLessThan(1e-5);
      expect(Math.max(...a.grad.map((v, i) => Math.abs(v - b.grad[i])))).toBeLessThan(1e-5);
      await pick.release();
      await whole.release();
      // several probes per call (rowIds): each row's id picks its row from its own block
      const two = golden.cases.slice(0, 2).map((x) => padCase(x, T));
      const K2 = Math.max(...two.map((x) => x.mask.filter(Boolean).length));
      const rows = await createAttributionSession(webRuntime(['wasm']), lazy, { T, B: 2, maxTargets: K2, rowIds: true });
      const one = await createAttributionSession(nodeRuntime, eager, { T, B: 1, maxTargets: K2 });
      const both = await rows.run(Int32Array.from([...two[0].ids, ...two[1].ids]), Float32Array.from([...two[0].mask, ...two[1].mask]), Float32Array.of(1, 1));
      for (const [r, x] of two.entries()) {
        const alone = await one.run(x.ids, x.mask, Float32Array.of(1));
        expect(Math.abs(both.f[r] - alone.f[0])).toBeLessThan(1e-5);
        const g = both.grad.subarray(r * alone.grad.length, (r + 1) * alone.grad.length);
        expect(Math.max(...g.map((v, i) => Math.abs(v - alone.grad[i])))).toBeLessThan(1e-5);
        expect(Array.from(both.embeds.subarray(r * alone.embeds.length, (r + 1) * alone.embeds.length))).toEqual(Array.from(alone.embeds));
      }
      await rows.release();
      await one.release();
    } finally {
      TABLE_BLOCK.bytes = saved;
    }
  });

  it('metadata alone + a file with an untied head: refused, not silently tied', async () => {
    const file = await fakeGguf();
    const spec = archSpecFromGguf(file.metadata);
    expect(() => ggufStore(file, spec)).toThrow(/tiny-llama.gguf: the spec says tiedEmbeddings=true but the file's tensors say false/);
  });
});

// ---- more families through the GGUF path: each converter step applied here, undone by ggufStore ----

type Conv = (name: string, x: Float32Array, shape: number[]) => { name: string; x: Float32Array; shape: number[] } | null;

const FIXT = join(import.meta.dirname, '../../test/fixtures/tiny');

function renamer(rules: [RegExp, string][]): (n: string) => string {
  return (n) => {
    const r = rules.find(([re]) => re.test(n));
    if (!r) throw new Error(`no GGUF name for ${n}`);
    return n.replace(r[0], r[1]);
  };
}

const LLAMA_LIKE_RULES: [RegExp, string][] = [
  ...HF_TO_GGUF,
  [/^model\.layers\.(\d+)\.self_attn\.q_norm\.weight$/, 'blk.$1.attn_q_norm.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.k_norm\.weight$/, 'blk.$1.attn_k_norm.weight'],
];

/** convert_hf_to_gguf GPT2Model: Conv1D weights of c_attn, c_proj, c_fc transposed to [out, in]. */
const gpt2Conv: Conv = (n, x, shape) => {
  const name = renamer([
    [/^transformer\.wte\.weight$/, 'token_embd.weight'],
    [/^transformer\.wpe\.weight$/, 'position_embd.weight'],
    [/^transformer\.ln_f\.(weight|bias)$/, 'output_norm.$1'],
    [/^transformer\.h\.(\d+)\.ln_1\.(weight|bias)$/, 'blk.$1.attn_norm.$2'],
    [/^transformer\.h\.(\d+)\.ln_2\.(weight|bias)$/, 'blk.$1.ffn_norm.$2'],
    [/^transformer\.h\.(\d+)\.attn\.c_attn\.(weight|bias)$/, 'blk.$1.attn_qkv.$2'],
    [/^transformer\.h\.(\d+)\.attn\.c_proj\.(weight|bias)$/, 'blk.$1.attn_output.$2'],
    [/^transformer\.h\.(\d+)\.mlp\.c_fc\.(weight|bias)$/, 'blk.$1.ffn_up.$2'],
    [/^transformer\.h\.(\d+)\.mlp\.c_proj\.(weight|bias)$/, 'blk.$1.ffn_down.$2'],
  ])(n);
  if (shape.length === 2 && /attn_qkv|attn_output|ffn_up|ffn_down/.test(name)) {
    const [r, c] = shape;
    const t = new Float32Array(x.length);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = x[i * c + j];
    return { name, x: t, shape: [c, r] };
  }
  return { name, x, shape };
};

/** convert_hf_to_gguf GPTNeoXModel: query_key_value regrouped from [H, 3, hd] to [3, H, hd] rows. */
const neoxConv = (H: number): Conv => (n, x, shape) => {
  const name = renamer([
    [/^gpt_neox\.embed_in\.weight$/, 'token_embd.weight'],
    [/^gpt_neox\.final_layer_norm\.(weight|bias)$/, 'output_norm.$1'],
    [/^gpt_neox\.layers\.(\d+)\.input_layernorm\.(weight|bias)$/, 'blk.$1.attn_norm.$2'],
    [/^gpt_neox\.layers\.(\d+)\.post_attention_layernorm\.(weight|bias)$/, 'blk.$1.ffn_norm.$2'],
    [/^gpt_neox\.layers\.(\d+)\.attention\.query_key_value\.(weight|bias)$/, 'blk.$1.attn_qkv.$2'],
    [/^gpt_neox\.layers\.(\d+)\.attention\.dense\.(weight|bias)$/, 'blk.$1.attn_output.$2'],
    [/^gpt_neox\.layers\.(\d+)\.mlp\.dense_h_to_4h\.(weight|bias)$/, 'blk.$1.ffn_up.$2'],
    [/^gpt_neox\.layers\.(\d+)\.mlp\.dense_4h_to_h\.(weight|bias)$/, 'blk.$1.ffn_down.$2'],
  ])(n);
  if (!name.includes('attn_qkv')) return { name, x, shape };
  const rows = shape[0];
  const cols = x.length / rows;
  const hd = rows / 3 / H;
  const out = new Float32Array(x.length);
  for (let h = 0; h < H; h++)
    for (let j = 0; j < 3; j++)
      for (let d = 0; d < hd; d++) {
        const src = (h * 3 + j) * hd + d;
        const dst = (j * H + h) * hd + d;
        out.set(x.subarray(src * cols, (src + 1) * cols), dst * cols);
      }
  return { name, x: out, shape };
};

/** convert_hf_to_gguf GemmaModel: every norm weight stored as 1 + w. */
const gemmaConv: Conv = (n, x, shape) => {
  const name = renamer(LLAMA_LIKE_RULES)(n);
  return { name, x: n.endsWith('norm.weight') ? x.map((v) => v + 1) : x, shape };
};
const plainConv: Conv = (n, x, shape) => ({ name: renamer(LLAMA_LIKE_RULES)(n), x, shape });

async function fakeFrom(variant: string, arch: string, conv: Conv, meta: (c: any) => Record<string, unknown>): Promise<GGUFFile> {
  const d = join(FIXT, variant);
  const c = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
  const st = await openSafetensors(new BytesSource(`${variant}/model.safetensors`, new Uint8Array(readFileSync(join(d, 'model.safetensors')))));
  const data = new Map<string, Uint8Array>();
  const tensors: GGUFFile['tensors'] = [];
  for (const t of st.tensors) {
    const r = conv(t.name, await st.readFloat32(t.name), [...t.shape]);
    if (!r) continue;
    data.set(r.name, new Uint8Array(r.x.buffer, r.x.byteOffset, r.x.byteLength));
    tensors.push({ name: r.name, type: GGMLType.F32, typeName: 'F32', dims: [...r.shape].reverse(), shape: r.shape, nElements: r.x.length, offset: 0, byteLength: r.x.byteLength });
  }
  const metadata = new Map<string, any>([['general.architecture', arch]]);
  for (const [k, v] of Object.entries(meta(c))) metadata.set(`${arch}.${k}`, v);
  return fakeFile(`tiny-${variant}.gguf`, metadata, tensors, data);
}

const CASES: { variant: string; arch: string; conv: (c: any) => Conv; meta: (c: any) => Record<string, unknown> }[] = [
  {
    variant: 'gpt2',
    arch: 'gpt2',
    conv: () => gpt2Conv,
    meta: (c) => ({ embedding_length: c.n_embd, block_count: c.n_layer, feed_forward_length: c.n_inner, 'attention.head_count': c.n_head, 'attention.layer_norm_epsilon': c.layer_norm_epsilon, context_length: c.n_positions }),
  },
  {
    variant: 'gpt_neox',
    arch: 'gptneox',
    conv: (c) => neoxConv(c.num_attention_heads),
    meta: (c) => ({
      embedding_length: c.hidden_size,
      block_count: c.num_hidden_layers,
      feed_forward_length: c.intermediate_size,
      'attention.head_count': c.num_attention_heads,
      'attention.layer_norm_epsilon': c.layer_norm_eps,
      'rope.dimension_count': Math.floor((c.hidden_size / c.num_attention_heads) * c.rope_parameters.partial_rotary_factor),
      use_parallel_residual: c.use_parallel_residual,
      context_length: c.max_position_embeddings,
    }),
  },
  {
    variant: 'gemma',
    arch: 'gemma',
    conv: () => gemmaConv,
    meta: (c) => ({ embedding_length: c.hidden_size, block_count: c.num_hidden_layers, feed_forward_length: c.intermediate_size, 'attention.head_count': c.num_attention_heads, 'attention.head_count_kv': c.num_key_value_heads, 'attention.key_length': c.head_dim, 'attention.layer_norm_rms_epsilon': c.rms_norm_eps, 'rope.freq_base': 10000 }),
  },
  {
    variant: 'qwen3',
    arch: 'qwen3',
    conv: () => plainConv,
    meta: (c) => ({ embedding_length: c.hidden_size, block_count: c.num_hidden_layers, feed_forward_length: c.intermediate_size, 'attention.head_count': c.num_attention_heads, 'attention.head_count_kv': c.num_key_value_heads, 'attention.key_length': c.head_dim, 'attention.layer_norm_rms_epsilon': c.rms_norm_eps, 'rope.freq_base': c.rope_parameters.rope_theta }),
  },
];

describe('GGUF path on other tiny families (converter layout changes undone)', () => {
  for (const k of CASES)
    it(`${k.variant} (${k.arch}) reproduces the PyTorch golden values`, async () => {
      const c = JSON.parse(readFileSync(join(FIXT, k.variant, 'config.json'), 'utf8'));
      const file = await fakeFrom(k.variant, k.arch, k.conv(c), k.meta);
      const spec = archSpecFromGguf(file);
      const model = await loadModel(spec, ggufStore(file, spec));
      const golden = JSON.parse(readFileSync(join(FIXT, k.variant, 'golden.json'), 'utf8')) as Golden;
      const T = Math.max(...golden.cases.map((g) => g.ids.length));
      const s = await createAttributionSession(nodeRuntime, model, { T, B: 1, logits: true });
      for (const g of golden.cases) {
        const { ids, mask } = padCase(g, T);
        const out = await s.run(ids, mask, Float32Array.of(1));
        const fig = compareCase({ f: out.f[0], grad: out.grad, embeds: out.embeds, logits: out.logits }, g, spec.hidden, spec.vocabSize, golden.logitsSampleIds);
        expect(fig.logitsMaxAbsErr).toBeLessThanOrEqual(1e-4);
        expect(fig.gradCosine).toBeGreaterThanOrEqual(0.9999);
      }
      await s.release();
    });
});
