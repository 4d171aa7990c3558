// Llama family: Llama 2/3 (incl. llama3 rope scaling), Mistral (sliding window), SmolLM, TinyLlama.
// Pre-norm RMSNorm decoder, rotary GQA attention, SwiGLU MLP. Qwen2 and Qwen3 reuse it with
// q/k/v biases and per-head q/k norms (see qwen2.ts, qwen3.ts).
import { linear, op, type Tensor } from '../engine/index.ts';
import type { Family, ForwardContext } from './family.ts';
import { attendLayer, gatedMlp, layerPrefix, maybe, rms, splitHeads } from './layers.ts';
import type { ArchSpec } from './spec.ts';

export interface LlamaVariant {
  /** Per-head RMSNorm on q and k before rope (Qwen3). */
  qkNorm: boolean;
}

export function llamaTensors(s: ArchSpec, v: LlamaVariant): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { hidden: D, heads: H, kvHeads: KV, headDim: hd, intermediate: I, vocabSize: V } = s;
  m.set('model.embed_tokens.weight', [V, D]);
  if (!s.tiedEmbeddings) m.set('lm_head.weight', [V, D]);
  m.set('model.norm.weight', [D]);
  for (let i = 0; i < s.layers; i++) {
    const p = layerPrefix(i);
    m.set(`${p}input_layernorm.weight`, [D]);
    m.set(`${p}post_attention_layernorm.weight`, [D]);
    m.set(`${p}self_attn.q_proj.weight`, [H * hd, D]);
    m.set(`${p}self_attn.k_proj.weight`, [KV * hd, D]);
    m.set(`${p}self_attn.v_proj.weight`, [KV * hd, D]);
    m.set(`${p}self_attn.o_proj.weight`, [D, H * hd]);
    if (s.qkvBias) {
      m.set(`${p}self_attn.q_proj.bias`, [H * hd]);
      m.set(`${p}self_attn.k_proj.bias`, [KV * hd]);
      m.set(`${p}self_attn.v_proj.bias`, [KV * hd]);
    }
    if (s.oBias) m.set(`${p}self_attn.o_proj.bias`, [D]);
    if (v.qkNorm) {
      m.set(`${p}self_attn.q_norm.weight`, [hd]);
      m.set(`${p}self_attn.k_norm.weight`, [hd]);
    }
    m.set(`${p}mlp.gate_proj.weight`, [I, D]);
    m.set(`${p}mlp.up_proj.weight`, [I, D]);
    m.set(`${p}mlp.down_proj.weight`, [D, I]);
    if (s.mlpBias) {
      m.set(`${p}mlp.gate_proj.bias`, [I]);
      m.set(`${p}mlp.up_proj.bias`, [I]);
      m.set(`${p}mlp.down_proj.bias`, [D]);
    }
  }
  return m;
}

export function llamaForward(ctx: ForwardContext, x: Tensor, v: LlamaVariant): Tensor {
  const s = ctx.spec;
  for (let i = 0; i < s.layers; i++) {
    const p = layerPrefix(i);
    const a = `${p}self_attn.`;
    const h = rms(ctx, x, `${p}input_layernorm.weight`);
    let q = splitHeads(linear(h, ctx.w(`${a}q_proj.weight`), maybe(ctx, s.qkvBias, `${a}q_proj.bias`)), s.heads, s.headDim);
    let k = splitHeads(linear(h, ctx.w(`${a}k_proj.weight`), maybe(ctx, s.qkvBias, `${a}k_proj.bias`)), s.kvHeads, s.headDim);
    const vv = splitHeads(linear(h, ctx.w(`${a}v_proj.weight`), maybe(ctx, s.qkvBias, `${a}v_proj.bias`)), s.kvHeads, s.headDim);
    if (v.qkNorm) {
      q = rms(ctx, q, `${a}q_norm.weight`);
      k = rms(ctx, k, `${a}k_norm.weight`);
    }
    const att = attendLayer(ctx, { q, k, v: vv, layer: i });
    x = op.add(x, linear(att, ctx.w(`${a}o_proj.weight`), maybe(ctx, s.oBias, `${a}o_proj.bias`)));
    const h2 = rms(ctx, x, `${p}post_attention_layernorm.weight`);
    const m = `${p}mlp.`;
    const b = s.mlpBias
      ? { gate: ctx.w(`${m}gate_proj.bias`), up: ctx.w(`${m}up_proj.bias`), down: ctx.w(`${m}down_proj.bias`) }
      : undefined;
    x = op.add(x, gatedMlp(s, h2, ctx.w(`${m}gate_proj.weight`), ctx.w(`${m}up_proj.weight`), ctx.w(`${m}down_proj.weight`), b));
  }
  return rms(ctx, x, 'model.norm.weight');
}

/** The Llama-style families share names for the embedding and the head. */
export const llamaNames = {
  embedName: () => 'model.embed_tokens.weight',
  lmHeadName: (s: ArchSpec) => (s.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'),
};

const PLAIN: LlamaVariant = { qkNorm: false };

export const llama: Family = {
  ...llamaNames,
  tensors: (s) => llamaTensors(s, PLAIN),
  forward: (ctx, x) => llamaForward(ctx, x, PLAIN),
};
