// Gemma 1, 2 and 3. All: embeddings x sqrt(hidden) (in the spec's embedScale, applied before the
// first layer), RMSNorm with (1 + w), GeGLU (tanh gelu), tied head.
// Gemma 2 and 3: norms before and after both attention and MLP, q.k scaled by
// query_pre_attn_scalar^-0.5, sliding-window layers. Gemma 2: attention and final logit
// soft-capping. Gemma 3: per-head (1 + w) RMSNorm on q and k before rope, local rope base on
// sliding layers.
import { linear, op, type Tensor } from '../engine/index.ts';
import type { Family, ForwardContext } from './family.ts';
import { attendLayer, gatedMlp, layerPrefix, maybe, rms, splitHeads } from './layers.ts';
import { llamaNames, llamaTensors } from './llama.ts';
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

export const gemma: Family = { ...llamaNames, tensors, forward };
