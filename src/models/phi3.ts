// Phi-3 / Phi-4-mini: the Llama block with a fused qkv_proj ([q | k | v] along the output dim)
// and a fused gate_up_proj ([gate | up]); partial rotary where partial_rotary_factor < 1.
import { linear, op, type Tensor } from '../engine/index.ts';
import type { Family, ForwardContext } from './family.ts';
import { act, attendLayer, layerPrefix, rms, splitHeads } from './layers.ts';
import { llamaConfig, llamaFrame, llamaGgufNames, llamaNames, slidingEverywhere } from './llama.ts';
import type { ArchSpec } from './spec.ts';

function tensors(s: ArchSpec): Map<string, number[]> {
  const { hidden: D, heads: H, kvHeads: KV, headDim: hd, intermediate: I } = s;
  return llamaFrame(s, (m, p) => {
    m.set(`${p}self_attn.qkv_proj.weight`, [(H + 2 * KV) * hd, D]);
    m.set(`${p}self_attn.o_proj.weight`, [D, H * hd]);
    m.set(`${p}mlp.gate_up_proj.weight`, [2 * I, D]);
    m.set(`${p}mlp.down_proj.weight`, [D, I]);
  });
}

function forward(ctx: ForwardContext, x: Tensor): Tensor {
  const s = ctx.spec;
  const { heads: H, kvHeads: KV, headDim: hd, intermediate: I } = s;
  for (let i = 0; i < s.layers; i++) {
    const p = layerPrefix(i);
    const qkv = linear(rms(ctx, x, `${p}input_layernorm.weight`), ctx.w(`${p}self_attn.qkv_proj.weight`));
    const q = splitHeads(op.slice(qkv, -1, 0, H * hd), H, hd);
    const k = splitHeads(op.slice(qkv, -1, H * hd, (H + KV) * hd), KV, hd);
    const v = splitHeads(op.slice(qkv, -1, (H + KV) * hd, (H + 2 * KV) * hd), KV, hd);
    x = op.add(x, linear(attendLayer(ctx, { q, k, v, layer: i }), ctx.w(`${p}self_attn.o_proj.weight`)));
    const gu = linear(rms(ctx, x, `${p}post_attention_layernorm.weight`), ctx.w(`${p}mlp.gate_up_proj.weight`));
    const h = op.mul(act(s, op.slice(gu, -1, 0, I)), op.slice(gu, -1, I, 2 * I));
    x = op.add(x, linear(h, ctx.w(`${p}mlp.down_proj.weight`)));
  }
  return rms(ctx, x, 'model.norm.weight');
}

export const phi3: Family = {
  name: 'phi3',
  hubArchitectures: { Phi3ForCausalLM: 0 },
  ggufArchitectures: { phi3: 0 },
  fromConfig: (s, c, x) => slidingEverywhere({ ...llamaConfig(s, c, x), qkvBias: false, oBias: false }, x),
  fromGguf: (s) => s,
  ggufNames: (s, n) =>
    llamaGgufNames(s, n, {
      projections: (h, b) => {
        n.add(`${h}self_attn.qkv_proj.weight`, `${b}attn_qkv.weight`);
        n.add(`${h}mlp.gate_up_proj.weight`, `${b}ffn_up.weight`);
      },
    }),
  ...llamaNames,
  tensors,
  forward,
};
