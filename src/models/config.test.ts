// config.json normalization for the transformers 4 layouts hub checkpoints still carry (rope_theta,
// rope_scaling, rotary_pct, rope_local_base_freq, sliding_window_pattern, n_embd, ...), checked
// against what transformers 5 derives from the same configs (modeling/configuration source).
import { describe, expect, it } from 'vitest';
import { GEMMA3_270M_CONFIG } from '../../test/fixtures/configs.ts';
import { archSpecFromConfig } from './index.ts';
import { invFreq } from './layers.ts';

describe('archSpecFromConfig on transformers-4 style configs', () => {
  it('Gemma 3 (270M shape): local/global rope bases, every 6th layer full, qpas scale, sqrt(D) embedding scale', () => {
    const s = archSpecFromConfig(GEMMA3_270M_CONFIG);
    expect(s.layerTypes.map((t, i) => (t === 'full' ? i : -1)).filter((i) => i >= 0)).toEqual([5, 11, 17]);
    expect(s.rope?.theta).toBe(1e6);
    expect(s.ropeLocal?.theta).toBe(1e4);
    expect(s.attnScale).toBe(1 / 16);
    expect(s.embedScale).toBe(Math.fround(Math.sqrt(640)));
    expect(s.tiedEmbeddings).toBe(true);
    expect(s.slidingWindow).toBe(512);
  });

  it('Gemma 2: default layer types alternate (even layers sliding), soft-caps kept', () => {
    const s = archSpecFromConfig({
      architectures: ['Gemma2ForCausalLM'],
      hidden_size: 2304,
      num_hidden_layers: 4,
      num_attention_heads: 8,
      num_key_value_heads: 4,
      head_dim: 256,
      intermediate_size: 9216,
      query_pre_attn_scalar: 256,
      rms_norm_eps: 1e-6,
      rope_theta: 10000,
      sliding_window: 4096,
      attn_logit_softcapping: 50,
      final_logit_softcapping: 30,
      hidden_activation: 'gelu_pytorch_tanh',
      vocab_size: 256000,
    });
    expect(s.layerTypes).toEqual(['sliding', 'full', 'sliding', 'full']);
    expect([s.attnSoftcap, s.finalSoftcap]).toEqual([50, 30]);
  });

  it('Pythia (GPT-NeoX): rotary_pct, rotary_emb_base, untied embed_out, exact gelu', () => {
    const s = archSpecFromConfig({
      architectures: ['GPTNeoXForCausalLM'],
      hidden_size: 512,
      num_hidden_layers: 6,
      num_attention_heads: 8,
      intermediate_size: 2048,
      layer_norm_eps: 1e-5,
      rotary_pct: 0.25,
      rotary_emb_base: 10000,
      use_parallel_residual: true,
      hidden_act: 'gelu',
      tie_word_embeddings: false,
      vocab_size: 50304,
    });
    expect(s.headDim).toBe(64);
    expect(s.rope).toEqual({ theta: 10000, rotaryDim: 16, scaling: { type: 'default' } });
    expect(s.activation).toBe('gelu-erf');
    expect([s.qkvBias, s.oBias, s.mlpBias, s.parallelResidual, s.tiedEmbeddings]).toEqual([true, true, true, true, false]);
  });

  it('Qwen2.5: sliding_window present but use_sliding_window false -> no sliding layers; q/k/v biases only', () => {
    const s = archSpecFromConfig({
      architectures: ['Qwen2ForCausalLM'],
      hidden_size: 896,
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      intermediate_size: 4864,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000,
      sliding_window: 32768,
      max_window_layers: 21,
      use_sliding_window: false,
      hidden_act: 'silu',
      tie_word_embeddings: true,
      vocab_size: 151936,
    });
    expect(s.layerTypes.every((t) => t === 'full')).toBe(true);
    expect(s.slidingWindow).toBe(null);
    expect(s.headDim).toBe(64);
    expect([s.qkvBias, s.oBias, s.mlpBias]).toEqual([true, false, false]);
  });

  it('GPT-2: n_embd/n_layer/n_head, n_inner null -> 4 D, learned positions, no rope', () => {
    const s = archSpecFromConfig({
      architectures: ['GPT2LMHeadModel'],
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
      n_inner: null,
      n_positions: 1024,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      vocab_size: 50257,
    });
    expect([s.hidden, s.intermediate, s.maxPositions, s.rope, s.activation]).toEqual([768, 3072, 1024, null, 'gelu-tanh']);
  });

  it('Llama 3.2 rope_scaling (llama3): frequencies as transformers computes them', () => {
    const s = archSpecFromConfig({
      architectures: ['LlamaForCausalLM'],
      hidden_size: 2048,
      num_hidden_layers: 16,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      head_dim: 64,
      intermediate_size: 8192,
      rms_norm_eps: 1e-5,
      rope_theta: 500000,
      rope_scaling: { factor: 32, high_freq_factor: 4, low_freq_factor: 1, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      hidden_act: 'silu',
      tie_word_embeddings: true,
      vocab_size: 128256,
    });
    const inv = invFreq(s.rope!);
    // transformers 5.24 ROPE_INIT_FUNCTIONS['llama3'] on this config (float32), printed with %.9g
    const torch = [
      1, 0.663601279, 0.440366626, 0.292227834, 0.193922758, 0.128687382, 0.0853971019, 0.0566696189, 0.0376060307,
      0.0249554086, 0.0165604409, 0.0109895291, 0.00729266508, 0.00483942125, 0.00321144611, 0.00129054801,
      0.000429556705, 9.70828623e-5, 1.94616387e-5, 1.29147675e-5, 8.57025589e-6, 5.68723226e-6, 3.77405445e-6,
      2.50446715e-6, 1.66196742e-6, 1.10288363e-6, 7.31874934e-7, 4.85673127e-7, 3.22293289e-7, 2.1387423e-7,
      1.41927202e-7, 9.41830649e-8,
    ];
    expect(inv.length).toBe(32);
    for (let i = 0; i < 32; i++) expect(Math.abs(inv[i] / torch[i] - 1), `i=${i}`).toBeLessThan(3e-7);
  });
});
