// Which architectures we implement, by the names Hugging Face configs and GGUF files use.
import { type FamilyName, UnsupportedArchitectureError } from './spec.ts';

export interface ArchEntry {
  family: FamilyName;
  /** Gemma generation; 0 elsewhere. */
  generation: number;
}

/** HF `architectures[0]` -> family. */
export const HF_ARCHITECTURES: Readonly<Record<string, ArchEntry>> = {
  LlamaForCausalLM: { family: 'llama', generation: 0 },
  MistralForCausalLM: { family: 'llama', generation: 0 },
  Qwen2ForCausalLM: { family: 'qwen2', generation: 0 },
  Qwen3ForCausalLM: { family: 'qwen3', generation: 0 },
  GemmaForCausalLM: { family: 'gemma', generation: 1 },
  Gemma2ForCausalLM: { family: 'gemma', generation: 2 },
  Gemma3ForCausalLM: { family: 'gemma', generation: 3 },
  GPT2LMHeadModel: { family: 'gpt2', generation: 0 },
  GPTNeoXForCausalLM: { family: 'gpt-neox', generation: 0 },
  Phi3ForCausalLM: { family: 'phi3', generation: 0 },
};

/** GGUF `general.architecture` -> family. */
export const GGUF_ARCHITECTURES: Readonly<Record<string, ArchEntry>> = {
  llama: { family: 'llama', generation: 0 },
  qwen2: { family: 'qwen2', generation: 0 },
  qwen3: { family: 'qwen3', generation: 0 },
  gemma: { family: 'gemma', generation: 1 },
  gemma2: { family: 'gemma', generation: 2 },
  gemma3: { family: 'gemma', generation: 3 },
  gpt2: { family: 'gpt2', generation: 0 },
  gptneox: { family: 'gpt-neox', generation: 0 },
  phi3: { family: 'phi3', generation: 0 },
};

export function lookupHf(arch: string, where: string): ArchEntry {
  const e = Object.hasOwn(HF_ARCHITECTURES, arch) ? HF_ARCHITECTURES[arch] : undefined;
  if (!e) throw new UnsupportedArchitectureError(arch, Object.keys(HF_ARCHITECTURES), where);
  return e;
}

export function lookupGguf(arch: string, where: string): ArchEntry {
  const e = Object.hasOwn(GGUF_ARCHITECTURES, arch) ? GGUF_ARCHITECTURES[arch] : undefined;
  if (!e) throw new UnsupportedArchitectureError(arch, Object.keys(GGUF_ARCHITECTURES), where);
  return e;
}
