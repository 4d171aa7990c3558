// Up-front rejections: unsupported architectures and config values, wrong-shape and missing tensors.
// Each error must say what, where and which file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BytesSource, openSafetensors, WeightsError } from '../weights/index.ts';
import {
  archSpecFromConfig,
  archSpecFromGguf,
  loadModel,
  ModelConfigError,
  safetensorsStore,
  UnsupportedArchitectureError,
  type WeightStore,
} from './index.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/tiny/llama');
const config = () => JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8'));
const store = async (): Promise<WeightStore> =>
  safetensorsStore([await openSafetensors(new BytesSource('llama/model.safetensors', new Uint8Array(readFileSync(join(DIR, 'model.safetensors')))))]);

describe('unsupported architectures are rejected up front', () => {
  it('HF config: names the architecture, the file and the supported list', () => {
    const e = (() => {
      try {
        archSpecFromConfig({ ...config(), architectures: ['MambaForCausalLM'] });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e).toBeInstanceOf(UnsupportedArchitectureError);
    expect(e?.message).toContain("'MambaForCausalLM'");
    expect(e?.message).toContain('config.json');
    for (const a of ['LlamaForCausalLM', 'Gemma3ForCausalLM', 'GPT2LMHeadModel', 'Phi3ForCausalLM']) expect(e?.message).toContain(a);
  });
  it('GGUF metadata: names general.architecture and the supported list', () => {
    expect(() => archSpecFromGguf(new Map([['general.architecture', 'mamba']]))).toThrow(
      /unsupported architecture 'mamba' \(GGUF metadata general.architecture\); supported: llama, qwen2, qwen3, gemma, gemma2, gemma3, gpt2, gptneox, phi3/,
    );
  });
  it('a rope type we do not implement', () => {
    const c = { ...config(), rope_parameters: { rope_type: 'yarn', rope_theta: 1e4, factor: 4 } };
    expect(() => archSpecFromConfig(c)).toThrow(ModelConfigError);
    expect(() => archSpecFromConfig(c)).toThrow(/config.json: rope type 'yarn' is not implemented/);
  });
});

describe('tensors are checked against the config before any graph is built', () => {
  it('wrong shape: names tensor, file, expected and actual shapes', async () => {
    const spec = archSpecFromConfig({ ...config(), intermediate_size: 128 });
    const p = loadModel(spec, await store());
    await expect(p).rejects.toThrow(WeightsError);
    await expect(p).rejects.toThrow(
      "llama/model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [64, 16] but the model config implies [128, 16]",
    );
  });
  it('missing tensor: names it, the file and the shape the config implies', async () => {
    const s = await store();
    const gone = 'model.layers.1.self_attn.k_proj.weight';
    const cut: WeightStore = { ...s, names: () => s.names().filter((n) => n !== gone) };
    await expect(loadModel(archSpecFromConfig(config()), cut)).rejects.toThrow(
      `llama/model.safetensors: tensor '${gone}' is missing (the LlamaForCausalLM config implies it, shape [16, 16])`,
    );
  });
  it('an untied config on a file without lm_head.weight', async () => {
    const s = await store();
    const cut: WeightStore = { ...s, names: () => s.names().filter((n) => n !== 'lm_head.weight') };
    await expect(loadModel(archSpecFromConfig(config()), cut)).rejects.toThrow(/'lm_head.weight' is missing/);
  });
});
