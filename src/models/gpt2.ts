// GPT-2: learned position embeddings (added after E, so not attributed), LayerNorm with bias,
// Conv1D weights stored [in, out] (y = x W + b, so no transposed Gemm), fused c_attn [q|k|v],
// gelu_new, tied head. Hub checkpoints name tensors with or without the `transformer.` prefix;
// loadModel resolves both.
import { layerNorm, op, type Tensor } from '../engine/index.ts';
import type { Family, ForwardContext } from './family.ts';
import { act, attendLayer, fusedBlockGgufNames, splitHeads } from './layers.ts';
import type { ArchSpec } from './spec.ts';

const P = 'transformer.';

function tensors(s: ArchSpec): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const D = s.hidden;
  const I = s.intermediate;
  m.set(`${P}wte.weight`, [s.vocabSize, D]);
  m.set(`${P}wpe.weight`, [s.maxPositions, D]);
  if (!s.tiedEmbeddings) m.set('lm_head.weight', [s.vocabSize, D]);
  for (let i = 0; i < s.layers; i++) {
    const p = `${P}h.${i}.`;
    for (const ln of ['ln_1', 'ln_2']) {
      m.set(`${p}${ln}.weight`, [D]);
      m.set(`${p}${ln}.bias`, [D]);
    }
    m.set(`${p}attn.c_attn.weight`, [D, 3 * D]);
    m.set(`${p}attn.c_attn.bias`, [3 * D]);
    m.set(`${p}attn.c_proj.weight`, [D, D]);
    m.set(`${p}attn.c_proj.bias`, [D]);
    m.set(`${p}mlp.c_fc.weight`, [D, I]);
    m.set(`${p}mlp.c_fc.bias`, [I]);
    m.set(`${p}mlp.c_proj.weight`, [I, D]);
    m.set(`${p}mlp.c_proj.bias`, [D]);
  }
  m.set(`${P}ln_f.weight`, [D]);
  m.set(`${P}ln_f.bias`, [D]);
  return m;
}

/** Conv1D: x [B, T, in] @ W [in, out] + b. */
function conv1d(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [B, T, n] = x.shape;
  const y = op.gemm(op.reshape(x, [(B as number) * (T as number), n]), w, b);
  return op.reshape(y, [B, T, w.shape[1]]);
}

function forward(ctx: ForwardContext, x: Tensor): Tensor {
  const s = ctx.spec;
  const D = s.hidden;
  const hd = D / s.heads;
  if (ctx.T > s.maxPositions) throw new Error(`GPT-2: T=${ctx.T} exceeds n_positions=${s.maxPositions}`);
  x = op.add(x, op.slice(ctx.w(`${P}wpe.weight`), 0, 0, ctx.T));
  const ln = (t: Tensor, n: string) => layerNorm(t, ctx.w(`${n}.weight`), ctx.w(`${n}.bias`), s.normEps);
  for (let i = 0; i < s.layers; i++) {
    const p = `${P}h.${i}.`;
    const qkv = conv1d(ln(x, `${p}ln_1`), ctx.w(`${p}attn.c_attn.weight`), ctx.w(`${p}attn.c_attn.bias`));
    const part = (j: number) => splitHeads(op.slice(qkv, -1, j * D, (j + 1) * D), s.heads, hd);
    const att = attendLayer(ctx, { q: part(0), k: part(1), v: part(2), layer: i });
    x = op.add(x, conv1d(att, ctx.w(`${p}attn.c_proj.weight`), ctx.w(`${p}attn.c_proj.bias`)));
    const h = act(s, conv1d(ln(x, `${p}ln_2`), ctx.w(`${p}mlp.c_fc.weight`), ctx.w(`${p}mlp.c_fc.bias`)));
    x = op.add(x, conv1d(h, ctx.w(`${p}mlp.c_proj.weight`), ctx.w(`${p}mlp.c_proj.bias`)));
  }
  return ln(x, `${P}ln_f`);
}

const ALL_BIASES = { qkvBias: true, oBias: true, mlpBias: true };

export const gpt2: Family = {
  name: 'gpt2',
  hubArchitectures: { GPT2LMHeadModel: 0 },
  ggufArchitectures: { gpt2: 0 },
  layerNorm: true,
  fromConfig: (s, c, x) => ({
    ...s,
    intermediate: c.n_inner ?? 4 * s.hidden,
    tiedEmbeddings: c.tie_word_embeddings ?? true,
    maxPositions: x.num(['n_positions', 'max_position_embeddings']),
    ...ALL_BIASES,
  }),
  fromGguf: (s, x) => ({ ...s, rope: null, activation: 'gelu-tanh', maxPositions: x.num('context_length'), ...ALL_BIASES }),
  ggufNames(spec, n) {
    n.add(`${P}wte.weight`, 'token_embd.weight');
    n.add(`${P}wpe.weight`, 'position_embd.weight');
    n.add('lm_head.weight', 'output.weight');
    n.wb(`${P}ln_f`, 'output_norm');
    // Conv1D weights are stored [in, out]; llama.cpp transposes them (not the biases)
    const hf = ['ln_1', 'ln_2', 'attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'];
    fusedBlockGgufNames(spec, n, (i) => `${P}h.${i}.`, hf, (g) => [g.endsWith('norm') ? 'none' : 'transpose', 'none']);
  },
  // hub files name tensors with or without the `transformer.` prefix
  aliases: (name) => (name.startsWith(P) ? [name.slice(P.length)] : []),
  tensors,
  forward,
  embedName: () => `${P}wte.weight`,
  lmHeadName: (s) => (s.tiedEmbeddings ? `${P}wte.weight` : 'lm_head.weight'),
};
