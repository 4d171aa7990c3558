// Hugging Face config.json -> ArchSpec. Accepts both the transformers 4 layout (rope_theta,
// rope_scaling, partial_rotary_factor at the top) and the transformers 5 one (rope_parameters,
// possibly nested per layer type as Gemma 3 does).
import { lookupHf } from './registry.ts';
import { type ArchSpec, checkSpecCounts, ModelConfigError, type RopeScaling, type RopeSpec } from './spec.ts';

type Json = Record<string, any>;

const WHERE = 'config.json';

function num(c: Json, keys: string[], fallback?: number): number {
  for (const k of keys) {
    const v = c[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  if (fallback !== undefined) return fallback;
  throw new ModelConfigError(WHERE, `missing number ${keys.join(' / ')}`);
}

function activationOf(name: string | undefined, gemma1: boolean): ArchSpec['activation'] {
  switch (name) {
    case 'silu':
    case 'swish':
      return 'silu';
    case 'gelu_pytorch_tanh':
    case 'gelu_new':
    case 'gelu_fast':
    case 'gelu_tanh':
      return 'gelu-tanh';
    case 'gelu':
      // transformers maps Gemma 1's legacy "gelu" to the tanh approximation
      return gemma1 ? 'gelu-tanh' : 'gelu-erf';
    default:
      throw new ModelConfigError(WHERE, `activation '${name}' is not implemented`);
  }
}

/** One rope parameter dict (v5 `rope_parameters` or v4 `rope_scaling` + top-level keys). */
export function ropeSpecOf(p: Json, headDim: number, where = WHERE): RopeSpec {
  const theta = p.rope_theta;
  if (typeof theta !== 'number') throw new ModelConfigError(where, 'missing rope_theta');
  const partial = typeof p.partial_rotary_factor === 'number' ? p.partial_rotary_factor : 1;
  const rotaryDim = Math.floor(headDim * partial);
  const type = p.rope_type ?? p.type ?? 'default';
  let scaling: RopeScaling;
  if (type === 'default') scaling = { type: 'default' };
  else if (type === 'linear') scaling = { type: 'linear', factor: p.factor };
  else if (type === 'llama3')
    scaling = {
      type: 'llama3',
      factor: p.factor,
      lowFreqFactor: p.low_freq_factor,
      highFreqFactor: p.high_freq_factor,
      originalMaxPositions: p.original_max_position_embeddings,
    };
  else throw new ModelConfigError(where, `rope type '${type}' is not implemented (default, linear, llama3 are)`);
  return { theta, rotaryDim, scaling };
}

/** v4 -> v5: merge rope_scaling, rope_theta and partial_rotary_factor into one dict. */
function flatRope(c: Json, defaults: Json = {}): Json {
  const p: Json = { ...defaults };
  for (const k of ['rope_theta', 'partial_rotary_factor']) if (typeof c[k] === 'number') p[k] = c[k];
  if (c.rope_scaling && typeof c.rope_scaling === 'object') Object.assign(p, c.rope_scaling);
  if (c.rope_parameters && typeof c.rope_parameters === 'object') Object.assign(p, c.rope_parameters);
  if (p.rope_type === undefined && p.type !== undefined) p.rope_type = p.type;
  if (p.original_max_position_embeddings === undefined && c.original_max_position_embeddings !== undefined)
    p.original_max_position_embeddings = c.original_max_position_embeddings;
  return p;
}

export function archSpecFromConfig(config: Json): ArchSpec {
  const c = config;
  const arch: string = Array.isArray(c.architectures) && c.architectures.length ? c.architectures[0] : `model_type=${c.model_type}`;
  const { family, generation } = lookupHf(arch, WHERE);
  const isGpt2 = family === 'gpt2';
  const hidden = num(c, ['hidden_size', 'n_embd']);
  const heads = num(c, ['num_attention_heads', 'n_head']);
  const kvHeads = num(c, ['num_key_value_heads'], heads);
  const headDim = num(c, ['head_dim'], hidden / heads);
  const layers = num(c, ['num_hidden_layers', 'n_layer']);
  const intermediate = isGpt2 ? (c.n_inner ?? 4 * hidden) : num(c, ['intermediate_size']);
  // Before anything is sized from them (layer_types below allocates per layer).
  checkSpecCounts({ hidden, heads, kvHeads, headDim, layers, intermediate, vocabSize: num(c, ['vocab_size']) }, WHERE, {
    hidden: 'hidden_size',
    heads: 'num_attention_heads',
    kvHeads: 'num_key_value_heads',
    headDim: 'head_dim',
    layers: 'num_hidden_layers',
    intermediate: 'intermediate_size',
    vocabSize: 'vocab_size',
  });
  const normEps = num(c, ['rms_norm_eps', 'layer_norm_eps', 'layer_norm_epsilon']);
  const actName = c.hidden_activation ?? c.hidden_act ?? c.activation_function;
  const tieDefault = family === 'gemma' || family === 'gpt2';
  if (c.scale_attn_by_inverse_layer_idx) throw new ModelConfigError(WHERE, 'scale_attn_by_inverse_layer_idx is not implemented');
  if (c.use_bidirectional_attention) throw new ModelConfigError(WHERE, 'bidirectional attention is not a causal LM');

  let rope: RopeSpec | null = null;
  let ropeLocal: RopeSpec | null = null;
  if (family === 'gpt-neox') {
    rope = ropeSpecOf(
      flatRope(c, {
        rope_theta: c.rotary_emb_base ?? 10000,
        partial_rotary_factor: c.rotary_pct ?? 1,
      }),
      headDim,
    );
  } else if (family === 'gemma' && generation === 3) {
    const rp = c.rope_parameters;
    if (rp?.full_attention || rp?.sliding_attention) {
      rope = ropeSpecOf({ rope_theta: 1e6, ...rp.full_attention }, headDim);
      ropeLocal = ropeSpecOf({ rope_theta: 1e4, ...rp.sliding_attention }, headDim);
    } else {
      rope = ropeSpecOf(flatRope(c, { rope_theta: 1e6 }), headDim);
      ropeLocal = ropeSpecOf({ rope_theta: c.rope_local_base_freq ?? 1e4 }, headDim);
    }
  } else if (!isGpt2) {
    rope = ropeSpecOf(flatRope(c, { rope_theta: 10000 }), headDim);
  }

  // Which layers attend within a sliding window (transformers' defaults when layer_types is absent).
  let window: number | null = typeof c.sliding_window === 'number' ? c.sliding_window : null;
  let layerTypes: ('full' | 'sliding')[];
  const all = (t: 'full' | 'sliding') => Array.from({ length: layers }, () => t);
  if (family === 'qwen2' || family === 'qwen3') {
    if (!c.use_sliding_window) window = null;
  }
  if (Array.isArray(c.layer_types)) {
    if (c.layer_types.length !== layers)
      throw new ModelConfigError(WHERE, `layer_types has ${c.layer_types.length} entries for ${layers} layers`);
    layerTypes = c.layer_types.map((t: string) => {
      if (t === 'full_attention') return 'full';
      if (t === 'sliding_attention') return 'sliding';
      throw new ModelConfigError(WHERE, `layer type '${t}' is not implemented`);
    });
  } else if (family === 'gemma' && generation === 2) {
    layerTypes = Array.from({ length: layers }, (_, i) => ((i + 1) % 2 ? 'sliding' : 'full'));
  } else if (family === 'gemma' && generation === 3) {
    const pattern = c.sliding_window_pattern ?? c._sliding_window_pattern ?? 6;
    layerTypes = Array.from({ length: layers }, (_, i) => ((i + 1) % pattern ? 'sliding' : 'full'));
  } else if (family === 'qwen2' || family === 'qwen3') {
    const from = c.max_window_layers ?? layers;
    layerTypes = Array.from({ length: layers }, (_, i) => (window !== null && i >= from ? 'sliding' : 'full'));
  } else if (family === 'llama' || family === 'phi3') {
    // Mistral and Phi-3 apply sliding_window to every layer when it is set; Llama has none
    layerTypes = all(window !== null && arch !== 'LlamaForCausalLM' ? 'sliding' : 'full');
  } else layerTypes = all('full');
  if (layerTypes.includes('sliding') && window === null)
    throw new ModelConfigError(WHERE, 'sliding_attention layers but no sliding_window');
  if (!layerTypes.includes('sliding')) window = null;

  // q, k, v and o biases together: GPT-NeoX by default; Llama, Gemma, Qwen3 when attention_bias is set
  const attnBias =
    family === 'gpt-neox'
      ? (c.attention_bias ?? true)
      : (family === 'llama' || family === 'gemma' || family === 'qwen3') && !!c.attention_bias;
  const gemma23 = family === 'gemma' && generation >= 2;
  const qpas = gemma23 ? num(c, ['query_pre_attn_scalar'], headDim) : headDim;
  return {
    family,
    generation,
    architecture: arch,
    source: 'config',
    vocabSize: num(c, ['vocab_size']),
    hidden,
    layers,
    heads,
    kvHeads,
    headDim,
    intermediate,
    normEps,
    activation: activationOf(actName, family === 'gemma' && generation === 1),
    tiedEmbeddings: c.tie_word_embeddings ?? tieDefault,
    embedScale: family === 'gemma' ? Math.fround(Math.sqrt(hidden)) : 1,
    maxPositions: isGpt2 ? num(c, ['n_positions', 'max_position_embeddings']) : 0,
    rope,
    ropeLocal,
    layerTypes,
    slidingWindow: window,
    attnScale: qpas ** -0.5,
    attnSoftcap: gemma23 ? (c.attn_logit_softcapping ?? null) : null,
    finalSoftcap: gemma23 ? (c.final_logit_softcapping ?? null) : null,
    qkvBias: family === 'gpt2' || family === 'qwen2' || attnBias,
    oBias: family === 'gpt2' || attnBias,
    mlpBias: family === 'gpt2' || family === 'gpt-neox' || (family === 'llama' && !!c.mlp_bias),
    parallelResidual: family === 'gpt-neox' ? (c.use_parallel_residual ?? true) : false,
  };
}
