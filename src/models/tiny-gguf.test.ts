// The GGUF path on the tiny llama fixture: its float16 tensors are rewritten as a GGUF file would
// hold them (llama.cpp names, attn_q/attn_k rows permuted exactly as convert_hf_to_gguf's
// LlamaModel.permute does, F32 data, llama.* metadata). archSpecFromGguf + ggufStore must undo it
// and reproduce the PyTorch golden values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../engine/runtime-node.ts';
import { BytesSource, type GGUFFile, GGMLType, openSafetensors } from '../weights/index.ts';
import { archSpecFromConfig, archSpecFromGguf, createAttributionSession, ggufStore, loadModel } from './index.ts';
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
  return {
    source: new BytesSource('tiny-llama.gguf', new Uint8Array(0)),
    version: 3,
    alignment: 32,
    metadata,
    metadataTypes: new Map(),
    tensors,
    dataOffset: 0,
    tensor: (n) => tensors.find((t) => t.name === n)!,
    readRaw: async (n) => data.get(n)!,
    readFloat32: async () => {
      throw new Error('unused');
    },
    readRows: async () => {
      throw new Error('unused');
    },
  };
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
    for (const c of golden.cases) {
      const { ids, mask } = padCase(c, T);
      const out = await s.run(ids, mask, Float32Array.of(1));
      const fig = compareCase({ f: out.f[0], grad: out.grad, embeds: out.embeds, logits: out.logits }, c, spec.hidden, spec.vocabSize, golden.logitsSampleIds);
      expect(fig.logitsMaxAbsErr).toBeLessThanOrEqual(1e-4);
      expect(fig.gradCosine).toBeGreaterThanOrEqual(0.9999);
      expect(fig.fAbsErr).toBeLessThanOrEqual(1e-4);
    }
    await s.release();
  });

  it('metadata alone + a file with an untied head: refused, not silently tied', async () => {
    const file = await fakeGguf();
    const spec = archSpecFromGguf(file.metadata);
    expect(() => ggufStore(file, spec)).toThrow(/tiny-llama.gguf: the spec says tiedEmbeddings=true but the file's tensors say false/);
  });
});
