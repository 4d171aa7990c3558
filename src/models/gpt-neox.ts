// GPT-NeoX (Pythia): LayerNorm with bias, fused query_key_value laid out per head as
// [h0: q k v | h1: q k v | ...], partial rotary (half-split on the first rotaryDim dims of each
// head), parallel residual x + attn(ln1 x) + mlp(ln2 x) (or sequential when disabled),
// exact-erf gelu, separate embed_out head unless tied.
import { layerNorm, linear, op, type Tensor } from '../engine/index.ts';
import type { Family, ForwardContext } from './family.ts';
import { act, attendLayer, fusedBlockGgufNames, maybe } from './layers.ts';
import type { ArchSpec } from './spec.ts';

const P = 'gpt_neox.';

function tensors(s: ArchSpec): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const D = s.hidden;
  const I = s.intermediate;
  const A = s.heads * s.headDim;
  m.set(`${P}embed_in.weight`, [s.vocabSize, D]);
  if (!s.tiedEmbeddings) m.set('embed_out.weight', [s.vocabSize, D]);
  const lin = (n: string, out: number, inp: number, bias: boolean) => {
    m.set(`${n}.weight`, [out, inp]);
    if (bias) m.set(`${n}.bias`, [out]);
  };
  for (let i = 0; i < s.layers; i++) {
    const p = `${P}layers.${i}.`;
    for (const ln of ['input_layernorm', 'post_attention_layernorm']) {
      m.set(`${p}${ln}.weight`, [D]);
      m.set(`${p}${ln}.bias`, [D]);
    }
    lin(`${p}attention.query_key_value`, 3 * A, D, s.qkvBias);
    lin(`${p}attention.dense`, D, A, s.oBias);
    lin(`${p}mlp.dense_h_to_4h`, I, D, true);
    lin(`${p}mlp.dense_4h_to_h`, D, I, true);
  }
  m.set(`${P}final_layer_norm.weight`, [D]);
  m.set(`${P}final_layer_norm.bias`, [D]);
  return m;
}

function forward(ctx: ForwardContext, x: Tensor): Tensor {
  const s = ctx.spec;
  const hd = s.headDim;
  const ln = (t: Tensor, n: string) => layerNorm(t, ctx.w(`${n}.weight`), ctx.w(`${n}.bias`), s.normEps);
  const [B, T] = x.shape;
  for (let i = 0; i < s.layers; i++) {
    const p = `${P}layers.${i}.`;
    const a = `${p}attention.`;
    const qkv = linear(ln(x, `${p}input_layernorm`), ctx.w(`${a}query_key_value.weight`), maybe(ctx, s.qkvBias, `${a}query_key_value.bias`));
    const heads = op.transpose(op.reshape(qkv, [B, T, s.heads, 3 * hd]), [0, 2, 1, 3]);
    const part = (j: number) => op.slice(heads, -1, j * hd, (j + 1) * hd);
    const att = linear(attendLayer(ctx, { q: part(0), k: part(1), v: part(2), layer: i }), ctx.w(`${a}dense.weight`), maybe(ctx, s.oBias, `${a}dense.bias`));
    const mlp = (t: Tensor) =>
      linear(
        act(s, linear(ln(t, `${p}post_attention_layernorm`), ctx.w(`${p}mlp.dense_h_to_4h.weight`), ctx.w(`${p}mlp.dense_h_to_4h.bias`))),
        ctx.w(`${p}mlp.dense_4h_to_h.weight`),
        ctx.w(`${p}mlp.dense_4h_to_h.bias`),
      );
    if (s.parallelResidual) x = op.add(op.add(x, att), mlp(x));
    else {
      const y = op.add(x, att);
      x = op.add(y, mlp(y));
    }
  }
  return ln(x, `${P}final_layer_norm`);
}

export const gptNeox: Family = {
  name: 'gpt-neox',
  hubArchitectures: { GPTNeoXForCausalLM: 0 },
  ggufArchitectures: { gptneox: 0 },
  layerNorm: true,
  fromConfig(s, c, x) {
    const attnBias = c.attention_bias ?? true;
    return {
      ...s,
      rope: x.flatRope({ rope_theta: c.rotary_emb_base ?? 10000, partial_rotary_factor: c.rotary_pct ?? 1 }),
      qkvBias: attnBias,
      oBias: attnBias,
      mlpBias: true,
      parallelResidual: c.use_parallel_residual ?? true,
    };
  },
  fromGguf: (s, x) => ({
    ...s,
    activation: 'gelu-erf',
    qkvBias: true,
    oBias: true,
    mlpBias: true,
    parallelResidual: x.get('use_parallel_residual') !== false,
  }),
  ggufNames(spec, n) {
    n.add(`${P}embed_in.weight`, 'token_embd.weight');
    n.add('embed_out.weight', 'output.weight');
    n.wb(`${P}final_layer_norm`, 'output_norm');
    // llama.cpp regroups the fused qkv as [q | k | v] over all heads, bias included
    const hf = ['input_layernorm', 'post_attention_layernorm', 'attention.query_key_value', 'attention.dense', 'mlp.dense_h_to_4h', 'mlp.dense_4h_to_h'];
    fusedBlockGgufNames(spec, n, (i) => `${P}layers.${i}.`, hf, (g) => (g === 'attn_qkv' ? ['neoxQkv', 'neoxQkv'] : ['none', 'none']));
  },
  // the untied head: `embed_out.weight` (Pythia) or `lm_head.weight` (transformers 5)
  aliases: (name) => (name === 'embed_out.weight' ? ['lm_head.weight'] : []),
  tensors,
  forward,
  embedName: () => `${P}embed_in.weight`,
  lmHeadName: (s) => (s.tiedEmbeddings ? `${P}embed_in.weight` : 'embed_out.weight'),
};
