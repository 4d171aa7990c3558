// Hugging Face config.json -> ArchSpec. Accepts both the transformers 4 layout (rope_theta,
// rope_scaling, partial_rotary_factor at the top) and the transformers 5 one (rope_parameters,
// possibly nested per layer type as Gemma 3 does).
import type { Json } from './family.ts';
import { lookupHf } from './registry.ts';
import { type ArchSpec, checkSpecCounts, ModelConfigError, SPEC_DEFAULTS, type RopeScaling, type RopeSpec } from './spec.ts';


const WHERE = 'config.json';

function num(c: Json, keys: string[], fallback?: number): number {
  for (const k of keys) {
    const v = c[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  if (fallback !== undefined) return fallback;
  throw new ModelConfigError(WHERE, `missing number ${keys.join(' / ')}`);
}

/** config.json's activation name (hidden_activation, hidden_act or activation_function). */
function activationOf(c: Json, gemma1 = false): ArchSpec['activation'] {
  const name: string | undefined = c.hidden_activation ?? c.hidden_act ?? c.activation_function;
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
  const hidden = num(c, ['hidden_size', 'n_embd']);
  const heads = num(c, ['num_attention_heads', 'n_head']);
  const headDim = num(c, ['head_dim'], hidden / heads);
  const layers = num(c, ['num_hidden_layers', 'n_layer']);
  // Before anything is sized from them (layer types below allocate per layer).
  checkSpecCounts(
    { hidden, heads, kvHeads: num(c, ['num_key_value_heads'], heads), headDim, layers, vocabSize: num(c, ['vocab_size']) },
    WHERE,
    { hidden: 'hidden_size', heads: 'num_attention_heads', kvHeads: 'num_key_value_heads', headDim: 'head_dim', layers: 'num_hidden_layers', vocabSize: 'vocab_size' },
  );
  if (c.scale_attn_by_inverse_layer_idx) throw new ModelConfigError(WHERE, 'scale_attn_by_inverse_layer_idx is not implemented');
  if (c.use_bidirectional_attention) throw new ModelConfigError(WHERE, 'bidirectional attention is not a causal LM');

  // Which layers attend within a sliding window, when config.json says; else the family decides.
  const hasLayerTypes = Array.isArray(c.layer_types);
  let layerTypes: ('full' | 'sliding')[] = Array.from({ length: layers }, () => 'full');
  if (hasLayerTypes) {
    if (c.layer_types.length !== layers)
      throw new ModelConfigError(WHERE, `layer_types has ${c.layer_types.length} entries for ${layers} layers`);
    layerTypes = c.layer_types.map((t: string) => {
      if (t === 'full_attention') return 'full';
      if (t === 'sliding_attention') return 'sliding';
      throw new ModelConfigError(WHERE, `layer type '${t}' is not implemented`);
    });
  }
  // The generic reading; the family's fromConfig adjusts it (biases, rope, norms, patterns).
  const generic: ArchSpec = {
    ...SPEC_DEFAULTS,
    family: family.name,
    generation,
    architecture: arch,
    source: 'config',
    vocabSize: num(c, ['vocab_size']),
    hidden,
    layers,
    heads,
    kvHeads: num(c, ['num_key_value_heads'], heads),
    headDim,
    intermediate: Number.NaN,
    normEps: num(c, ['rms_norm_eps', 'layer_norm_eps', 'layer_norm_epsilon']),
    activation: activationOf(c),
    tiedEmbeddings: c.tie_word_embeddings ?? false,
    rope: null,
    layerTypes,
    slidingWindow: typeof c.sliding_window === 'number' ? c.sliding_window : null,
    attnScale: headDim ** -0.5,
  };
  const spec = family.fromConfig(generic, c, {
    arch,
    generation,
    hasLayerTypes,
    num: (keys, fallback) => num(c, keys, fallback),
    flatRope: (defaults) => ropeSpecOf(flatRope(c, defaults), headDim),
    ropeOf: (p) => ropeSpecOf(p, headDim),
    activation: (gemma1) => activationOf(c, gemma1),
  });
  if (Number.isNaN(spec.intermediate)) spec.intermediate = num(c, ['intermediate_size']);
  checkSpecCounts({ intermediate: spec.intermediate }, WHERE, { intermediate: 'intermediate_size' });
  if (spec.layerTypes.includes('sliding') && spec.slidingWindow === null)
    throw new ModelConfigError(WHERE, 'sliding_attention layers but no sliding_window');
  if (!spec.layerTypes.includes('sliding')) spec.slidingWindow = null;
  return spec;
}
