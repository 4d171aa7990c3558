// The memory guard of issue 13: the estimate from shapes, checked before any weight is read.
import { GEMMA3_270M_CONFIG } from '../../test/fixtures/configs.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archSpecFromConfig } from '../models/index.ts';
import { checkMemory, ENGINE_OVERHEAD, estimateEmbedMemory, paramCount } from './memory.ts';

const llama = (c: Record<string, unknown>) =>
  archSpecFromConfig({ architectures: ['LlamaForCausalLM'], rms_norm_eps: 1e-5, hidden_act: 'silu', tie_word_embeddings: true, ...c });
// SmolLM2-135M's config.json values; its model card gives 134,515,008 parameters.
const smol = llama({ hidden_size: 576, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, intermediate_size: 1536, vocab_size: 49152 });

describe('memory estimate', () => {
  it('counts SmolLM2-135M exactly and the tiny fixture within its biases', () => {
    expect(paramCount(smol)).toBe(134_515_008);
    const st = readFileSync('test/fixtures/tiny/llama/model.safetensors');
    const n = Number(st.readBigUInt64LE(0));
    const header = JSON.parse(st.subarray(8, 8 + n).toString('utf8'));
    const stored = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .reduce((s, [, t]) => s + (t as { shape: number[] }).shape.reduce((a, b) => a * b, 1), 0);
    const tiny = archSpecFromConfig(JSON.parse(readFileSync('test/fixtures/tiny/llama/config.json', 'utf8')));
    expect(paramCount(tiny)).toBe(stored);
  });
  it('reproduces the measured in-tab peak of Gemma 3 270M (4.7 GB) within 5%', () => {
    const gemma = archSpecFromConfig(GEMMA3_270M_CONFIG);
    const e = estimateEmbedMemory(gemma);
    expect(e.params / 1e6).toBeCloseTo(268.1, 0);
    expect(Math.abs(e.bytes / 4.7e9 - 1)).toBeLessThan(0.05);
    expect(e.parts.weights).toBe(e.params * ENGINE_OVERHEAD.WEIGHT_BYTES_PER_PARAM);
    // the CLI's mapped-weights path: measured peak 1,669 MiB, probes batched (bench model-memory, 2026-12-04 16:32)
    const mapped = estimateEmbedMemory(gemma, 64, 8, 'mapped');
    expect(mapped.parts.weights).toBe(mapped.params * 4 + gemma.vocabSize * ENGINE_OVERHEAD.TOKENIZER_BYTES_PER_TOKEN);
    expect(mapped.bytes).toBeGreaterThanOrEqual(1669 * 2 ** 20);
    expect(mapped.bytes / (1669 * 2 ** 20)).toBeLessThan(1.1);
  });
  it("estimates the tab's on-demand GGUF path near the measured renderer peak of Gemma 3 270M", () => {
    // bench tab-embed, 2026-12-04: renderer peak 2,379 MiB (the old path's was 4.7 GB)
    const gemma = archSpecFromConfig(GEMMA3_270M_CONFIG);
    const e = estimateEmbedMemory(gemma, 64, 8, 'on-demand');
    const o = ENGINE_OVERHEAD;
    expect(e.parts.weights).toBe(e.params * o.ON_DEMAND_WEIGHT_BYTES_PER_PARAM + o.ON_DEMAND_HANDOVER_BYTES + gemma.vocabSize * o.TOKENIZER_BYTES_PER_TOKEN);
    expect(Math.abs(e.bytes / (2379 * 2 ** 20) - 1)).toBeLessThan(0.1);
    // and what the tab now admits: 6 GiB at Chromium's reported 8 GB
    expect(() => checkMemory(gemma, { bytes: 6 * 2 ** 30, what: 'x' }, { weights: 'on-demand' })).not.toThrow();
  });
  it('refuses with the numbers when the model cannot fit', () => {
    expect(() => checkMemory(smol, { bytes: 1.5 * 2 ** 30, what: "the tab's limit" })).toThrow(
      /^not enough memory: this model \(135 M parameters, 30 layers, vocabulary 49152\) needs about 2\.\d\d GiB \(weights 2\.00 GiB, .*\) but the tab's limit is 1\.50 GiB$/,
    );
    expect(checkMemory(smol, { bytes: 8 * 2 ** 30, what: 'x' }).params).toBe(134_515_008);
  });
});
