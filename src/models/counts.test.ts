// Issue 13 defects 3 and 4: a layer count or dimension from GGUF metadata or config.json that the
// tensors do not bear out is refused (never a run with layers silently dropped), and a huge count is
// refused before anything is allocated from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BytesSource, type GGUFFile, GGMLType, openSafetensors } from '../weights/index.ts';
import { archSpecFromConfig, archSpecFromGguf, loadModel, ModelConfigError, safetensorsStore } from './index.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/tiny/llama');
const config = () => JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8'));
const store = async () =>
  safetensorsStore([await openSafetensors(new BytesSource('llama/model.safetensors', new Uint8Array(readFileSync(join(DIR, 'model.safetensors')))))]);

/** The metadata and tensor list of a 30-layer llama GGUF (sizes of SmolLM2-135M); no tensor data. */
function gguf30(blockCount: unknown): Pick<GGUFFile, 'metadata' | 'tensors' | 'source'> {
  const t = (name: string, shape: number[]) => ({
    name,
    type: GGMLType.F32,
    typeName: 'F32',
    dims: [...shape].reverse(),
    shape,
    nElements: shape.reduce((a, b) => a * b, 1),
    offset: 0,
    byteLength: 0,
  });
  const tensors = [t('token_embd.weight', [49152, 576]), t('output_norm.weight', [576])];
  for (let i = 0; i < 30; i++)
    for (const n of ['attn_norm', 'ffn_norm', 'attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down'])
      tensors.push(t(`blk.${i}.${n}.weight`, [576]));
  const metadata = new Map<string, unknown>([
    ['general.architecture', 'llama'],
    ['llama.embedding_length', 576],
    ['llama.block_count', blockCount],
    ['llama.feed_forward_length', 1536],
    ['llama.attention.head_count', 9],
    ['llama.attention.head_count_kv', 3],
    ['llama.attention.layer_norm_rms_epsilon', 1e-5],
    ['llama.vocab_size', 49152],
  ]);
  return { metadata, tensors, source: new BytesSource('smol.gguf', new Uint8Array(0)) } as unknown as GGUFFile;
}

describe('layer counts are checked against the tensors (defect 3)', () => {
  it('GGUF block_count = 1 with 30 layers of tensors is refused, naming the file and the key', () => {
    expect(() => archSpecFromGguf(gguf30(1))).toThrow(ModelConfigError);
    expect(() => archSpecFromGguf(gguf30(1))).toThrow('smol.gguf: GGUF metadata: llama.block_count says 1 layers but the tensors hold 30 (blocks 0..29)');
    expect(archSpecFromGguf(gguf30(30)).layers).toBe(30);
    expect(() => archSpecFromGguf(gguf30(31))).toThrow(/block_count says 31 layers but the tensors hold 30/);
  });
  it('GGUF with a layer missing in the middle is refused', () => {
    const g = gguf30(30);
    const cut = { ...g, tensors: g.tensors.filter((t) => !t.name.startsWith('blk.7.')) };
    expect(() => archSpecFromGguf(cut as GGUFFile)).toThrow(/layer 7 has no tensors/);
  });
  it.each([0, -1])('config num_hidden_layers = %i is refused', (n) => {
    expect(() => archSpecFromConfig({ ...config(), num_hidden_layers: n })).toThrow(`config.json: num_hidden_layers is ${n}; expected an integer in 1..1024`);
  });
  it('config num_hidden_layers = 1 on a 3-layer checkpoint is refused at load', async () => {
    const spec = archSpecFromConfig({ ...config(), num_hidden_layers: 1 });
    await expect(loadModel(spec, await store())).rejects.toThrow(
      'llama/model.safetensors: num_hidden_layers says 1 layers but the tensors hold 3 (blocks 0..2)',
    );
  });
});

describe('huge or invalid counts are refused before allocation (defect 4)', () => {
  it('block_count = 1e9 is refused within limits, not a heap abort', () => {
    expect(() => archSpecFromGguf(gguf30(1e9))).toThrow('smol.gguf: GGUF metadata: llama.block_count is 1000000000; expected an integer in 1..1024');
    expect(() => archSpecFromGguf(gguf30(2n ** 62n))).toThrow(/block_count is 4611686018427388000/);
  });
  it.each([
    ['hidden_size', 1e12],
    ['num_attention_heads', 0],
    ['intermediate_size', 2.5],
    ['vocab_size', -3],
  ])('config %s = %d is refused naming the key', (key, v) => {
    expect(() => archSpecFromConfig({ ...config(), [key]: v })).toThrow(new RegExp(`config.json: ${key} is ${v}`));
  });
  it('heads not a multiple of kv heads is refused', () => {
    expect(() => archSpecFromConfig({ ...config(), num_key_value_heads: 3 })).toThrow(/not a multiple of num_key_value_heads 3/);
  });
});
