// The families this engine implements, and the lookups built from their descriptors: by the names
// Hugging Face configs and GGUF files use, and by ArchSpec.family. Adding a family: its file
// (see family.ts) and one line in FAMILIES.
import type { Family } from './family.ts';
import { gemma } from './gemma.ts';
import { gpt2 } from './gpt2.ts';
import { gptNeox } from './gpt-neox.ts';
import { llama } from './llama.ts';
import { phi3 } from './phi3.ts';
import { qwen2 } from './qwen2.ts';
import { qwen3 } from './qwen3.ts';
import { type ArchSpec, UnsupportedArchitectureError } from './spec.ts';

export const FAMILIES: readonly Family[] = [llama, qwen2, qwen3, gemma, gpt2, gptNeox, phi3];

export interface ArchEntry {
  family: Family;
  /** Gemma generation; 0 elsewhere. */
  generation: number;
}

const table = (names: (f: Family) => Readonly<Record<string, number>>): Readonly<Record<string, ArchEntry>> =>
  Object.fromEntries(FAMILIES.flatMap((family) => Object.entries(names(family)).map(([n, generation]) => [n, { family, generation }])));

/** HF `architectures[0]` -> family. */
export const HF_ARCHITECTURES = table((f) => f.hubArchitectures);
/** GGUF `general.architecture` -> family. */
export const GGUF_ARCHITECTURES = table((f) => f.ggufArchitectures);
/** The Hugging Face architecture names a model must have to be embedded (the atlas manifest filters by these). */
export const SUPPORTED_ARCHITECTURES: readonly string[] = Object.keys(HF_ARCHITECTURES);

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

export function familyOf(spec: ArchSpec): Family {
  const f = FAMILIES.find((x) => x.name === spec.family);
  if (!f) throw new UnsupportedArchitectureError(spec.family, FAMILIES.map((x) => x.name), 'ArchSpec.family');
  return f;
}
