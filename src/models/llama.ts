// Llama family: Llama 2/3 (incl. llama3 rope scaling), Mistral (sliding window), SmolLM, TinyLlama.
// Pre-norm RMSNorm decoder, rotary GQA attention, SwiGLU MLP. Qwen2 and Qwen3 reuse it with
// q/k/v biases and per-head q/k norms (see qwen2.ts, qwen3.ts).
import { linear, op, type Tensor } from '../engine/index.ts';
import type { ConfigContext, Family, ForwardContext, GgufFix, GgufNames, Json } from './family.ts';
import { attendLayer, gatedMlp, layerPrefix, maybe, rms, splitHeads } from './layers.ts';
import type { ArchSpec } from './spec.ts';

export interface LlamaVariant {
  /** Per-head RMSNorm on q and k before rope (Qwen3). */
  qkNorm: boolean;
}

/** The Llama layout's embedding, head, final norm and per-layer norms; `layer` adds the rest of layer i. */
export function llamaFrame(s: ArchSpec, layer: (m: Map<string, number[]>, p: string) => void): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { hidden: D, vocabSize: V } = s;
  m.set('model.embed_tokens.weight', [V, D]);
  if (!s.tiedEmbeddings) m.set('lm_head.weight', [V, D]);
  m.set('model.norm.weight', [D]);
  for (let i = 0; i < s.layers; i++) {
    const p = layerPrefix(i);
    m.set(`${p}input_layernorm.weight`, [D]);
    m.set(`${p}post_attention_layernorm.weight`, [D]);
    layer(m, p);
  }
  return m;
}

export function llamaTensors(s: ArchSpec, v: LlamaVariant): Map<string, number[]> {
  const { hidden: D, heads: H, kvHeads: KV, headDim: hd, intermediate: I } = s;
  return llamaFrame(s, (m, p) => {
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
  });
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

/** config.json of the Llama-style families: rope as transformers 4 or 5 writes it, optional biases. */
export function llamaConfig(s: ArchSpec, c: Json, x: ConfigContext): ArchSpec {
  const attnBias = !!c.attention_bias;
  return { ...s, rope: x.flatRope({ rope_theta: 10000 }), qkvBias: attnBias, oBias: attnBias };
}

/** Mistral and Phi-3 apply sliding_window to every layer when it is set; Llama has none. */
export function slidingEverywhere(s: ArchSpec, x: ConfigContext): ArchSpec {
  if (x.hasLayerTypes) return s;
  const sliding = s.slidingWindow !== null && x.arch !== 'LlamaForCausalLM';
  return { ...s, layerTypes: s.layerTypes.map(() => (sliding ? 'sliding' : 'full')) };
}

/**
 * GGUF names of the Llama-style layout. llama.cpp permutes q/k rows of `llama` files for its
 * interleaved rope (permute); Gemma stores norms as 1 + w (norm); Gemma 2/3 have sandwich norms.
 */
export function llamaGgufNames(
  spec: ArchSpec,
  n: GgufNames,
  o: { permute?: boolean; norm?: GgufFix; sandwich?: boolean; projections?: (hf: string, gguf: string) => void } = {},
): void {
  const { add, wb } = n;
  const norm = o.norm ?? 'none';
  add('model.embed_tokens.weight', 'token_embd.weight');
  add('lm_head.weight', 'output.weight');
  add('model.norm.weight', 'output_norm.weight', norm);
  for (let i = 0; i < spec.layers; i++) {
    const h = layerPrefix(i);
    const b = `blk.${i}.`;
    add(`${h}input_layernorm.weight`, `${b}attn_norm.weight`, norm);
    if (o.sandwich) {
      add(`${h}post_attention_layernorm.weight`, `${b}post_attention_norm.weight`, norm);
      add(`${h}pre_feedforward_layernorm.weight`, `${b}ffn_norm.weight`, norm);
      add(`${h}post_feedforward_layernorm.weight`, `${b}post_ffw_norm.weight`, norm);
    } else add(`${h}post_attention_layernorm.weight`, `${b}ffn_norm.weight`, norm);
    const a = `${h}self_attn.`;
    wb(`${a}o_proj`, `${b}attn_output`);
    wb(`${h}mlp.down_proj`, `${b}ffn_down`);
    // the input projections, unless the family fuses them (Phi-3)
    if (o.projections) {
      o.projections(h, b);
      continue;
    }
    wb(`${a}q_proj`, `${b}attn_q`, o.permute ? 'permuteQ' : 'none', o.permute ? 'permuteQ' : 'none');
    wb(`${a}k_proj`, `${b}attn_k`, o.permute ? 'permuteK' : 'none', o.permute ? 'permuteK' : 'none');
    wb(`${a}v_proj`, `${b}attn_v`);
    add(`${a}q_norm.weight`, `${b}attn_q_norm.weight`, norm);
    add(`${a}k_norm.weight`, `${b}attn_k_norm.weight`, norm);
    wb(`${h}mlp.gate_proj`, `${b}ffn_gate`);
    wb(`${h}mlp.up_proj`, `${b}ffn_up`);
  }
}

const PLAIN: LlamaVariant = { qkNorm: false };

export const llama: Family = {
  name: 'llama',
  hubArchitectures: { LlamaForCausalLM: 0, MistralForCausalLM: 0 },
  ggufArchitectures: { llama: 0 },
  fromConfig: (s, c, x) => slidingEverywhere({ ...llamaConfig(s, c, x), mlpBias: !!c.mlp_bias }, x),
  fromGguf: (s) => s,
  ggufNames: (s, n) => llamaGgufNames(s, n, { permute: true }),
  ...llamaNames,
  tensors: (s) => llamaTensors(s, PLAIN),
  forward: (ctx, x) => llamaForward(ctx, x, PLAIN),
};
