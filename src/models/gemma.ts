// Gemma 1, 2 and 3. All: embeddings x sqrt(hidden) (in the spec's embedScale, applied before the
// first layer), RMSNorm with (1 + w), GeGLU (tanh gelu), tied head.
// Gemma 2 and 3: norms before and after both attention and MLP, q.k scaled by
// query_pre_attn_scalar^-0.5, sliding-window layers. Gemma 2: attention and final logit
// soft-capping. Gemma 3: per-head (1 + w) RMSNorm on q and k before rope, local rope base on
// sliding layers.
import { linear, op, type Tensor } from '../engine/index.ts';
import type { ConfigContext, Family, ForwardContext, GgufContext, Json } from './family.ts';
import { attendLayer, gatedMlp, layerPrefix, maybe, rms, splitHeads } from './layers.ts';
import { llamaGgufNames, llamaNames, llamaTensors } from './llama.ts';
import type { ArchSpec } from './spec.ts';

function tensors(s: ArchSpec): Map<string, number[]> {
  const m = llamaTensors(s, { qkNorm: s.generation >= 3 });
  if (s.generation >= 2)
    for (let i = 0; i < s.layers; i++) {
      m.set(`${layerPrefix(i)}pre_feedforward_layernorm.weight`, [s.hidden]);
      m.set(`${layerPrefix(i)}post_feedforward_layernorm.weight`, [s.hidden]);
    }
  return m;
}

function forward(ctx: ForwardContext, x: Tensor): Tensor {
  const s = ctx.spec;
  const norm = (t: Tensor, name: string) => rms(ctx, t, name, true);
  const prePost = s.generation >= 2;
  for (let i = 0; i < s.layers; i++) {
    const p = layerPrefix(i);
    const a = `${p}self_attn.`;
    const h = norm(x, `${p}input_layernorm.weight`);
    let q = splitHeads(linear(h, ctx.w(`${a}q_proj.weight`), maybe(ctx, s.qkvBias, `${a}q_proj.bias`)), s.heads, s.headDim);
    let k = splitHeads(linear(h, ctx.w(`${a}k_proj.weight`), maybe(ctx, s.qkvBias, `${a}k_proj.bias`)), s.kvHeads, s.headDim);
    const v = splitHeads(linear(h, ctx.w(`${a}v_proj.weight`), maybe(ctx, s.qkvBias, `${a}v_proj.bias`)), s.kvHeads, s.headDim);
    if (s.generation >= 3) {
      q = norm(q, `${a}q_norm.weight`);
      k = norm(k, `${a}k_norm.weight`);
    }
    let att = linear(attendLayer(ctx, { q, k, v, layer: i }), ctx.w(`${a}o_proj.weight`), maybe(ctx, s.oBias, `${a}o_proj.bias`));
    if (prePost) att = norm(att, `${p}post_attention_layernorm.weight`);
    x = op.add(x, att);
    const h2 = norm(x, prePost ? `${p}pre_feedforward_layernorm.weight` : `${p}post_attention_layernorm.weight`);
    let m = gatedMlp(s, h2, ctx.w(`${p}mlp.gate_proj.weight`), ctx.w(`${p}mlp.up_proj.weight`), ctx.w(`${p}mlp.down_proj.weight`));
    if (prePost) m = norm(m, `${p}post_feedforward_layernorm.weight`);
    x = op.add(x, m);
  }
  return norm(x, 'model.norm.weight');
}

function fromConfig(s: ArchSpec, c: Json, x: ConfigContext): ArchSpec {
  const g = x.generation;
  const attnBias = !!c.attention_bias;
  let { rope, ropeLocal, layerTypes } = s;
  if (g === 3) {
    const rp = c.rope_parameters;
    if (rp?.full_attention || rp?.sliding_attention) {
      rope = x.ropeOf({ rope_theta: 1e6, ...rp.full_attention });
      ropeLocal = x.ropeOf({ rope_theta: 1e4, ...rp.sliding_attention });
    } else {
      rope = x.flatRope({ rope_theta: 1e6 });
      ropeLocal = x.ropeOf({ rope_theta: c.rope_local_base_freq ?? 1e4 });
    }
  } else rope = x.flatRope({ rope_theta: 10000 });
  // transformers' default layer types: Gemma 2 alternates, Gemma 3 has every 6th layer full
  const pattern = g === 2 ? 2 : g === 3 ? (c.sliding_window_pattern ?? c._sliding_window_pattern ?? 6) : 0;
  if (!x.hasLayerTypes && pattern > 0) layerTypes = layerTypes.map((_, i) => ((i + 1) % pattern ? 'sliding' : 'full'));
  const later = g >= 2;
  return {
    ...s,
    activation: x.activation(g === 1),
    tiedEmbeddings: c.tie_word_embeddings ?? true,
    embedScale: Math.fround(Math.sqrt(s.hidden)),
    rope,
    ropeLocal,
    layerTypes,
    attnScale: (later ? x.num(['query_pre_attn_scalar'], s.headDim) : s.headDim) ** -0.5,
    attnSoftcap: later ? (c.attn_logit_softcapping ?? null) : null,
    finalSoftcap: later ? (c.final_logit_softcapping ?? null) : null,
    qkvBias: attnBias,
    oBias: attnBias,
  };
}

function fromGguf(s: ArchSpec, x: GgufContext): ArchSpec {
  const g = x.generation;
  const later = g >= 2;
  // llama.cpp's swa patterns: Gemma 2 every 2nd layer full, Gemma 3 every 6th; Gemma 1 none
  const pattern = g === 2 ? 2 : g === 3 ? 6 : 0;
  const swa = s.slidingWindow !== null && pattern > 0;
  // llama.cpp: Gemma 2/3 27B scale q.k by (hidden/heads)^-0.5, the others by head_dim^-0.5
  const perHead = s.hidden / s.heads;
  const qpas = later && perHead !== s.headDim && (s.layers === 46 || s.layers === 62) ? perHead : s.headDim;
  const opt = (k: string) => {
    const v = x.get(k);
    return typeof v === 'number' && v > 0 ? v : null;
  };
  return {
    ...s,
    activation: 'gelu-tanh',
    embedScale: Math.fround(Math.sqrt(s.hidden)),
    // llama.cpp: Gemma 3 sliding layers use base 10000 without scaling
    ropeLocal: g === 3 && s.rope ? { theta: 10000, rotaryDim: s.rope.rotaryDim, scaling: { type: 'default' } } : null,
    layerTypes: s.layerTypes.map((_, i) => (swa && (i + 1) % pattern ? 'sliding' : 'full')),
    slidingWindow: swa ? s.slidingWindow : null,
    attnScale: qpas ** -0.5,
    attnSoftcap: later ? opt('attn_logit_softcapping') : null,
    finalSoftcap: later ? opt('final_logit_softcapping') : null,
  };
}

export const gemma: Family = {
  name: 'gemma',
  hubArchitectures: { GemmaForCausalLM: 1, Gemma2ForCausalLM: 2, Gemma3ForCausalLM: 3 },
  ggufArchitectures: { gemma: 1, gemma2: 2, gemma3: 3 },
  fromConfig,
  fromGguf,
  // GGUF stores Gemma's norms as 1 + w
  ggufNames: (s, n) => llamaGgufNames(s, n, { norm: 'gemmaNorm', sandwich: s.generation >= 2 }),
  ...llamaNames,
  tensors,
  forward,
};
