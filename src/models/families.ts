// Family name -> its forward function and tensor table.
import type { Family } from './family.ts';
import { gemma } from './gemma.ts';
import { gpt2 } from './gpt2.ts';
import { gptNeox } from './gpt-neox.ts';
import { llama } from './llama.ts';
import { phi3 } from './phi3.ts';
import { qwen2 } from './qwen2.ts';
import { qwen3 } from './qwen3.ts';
import type { FamilyName } from './spec.ts';

export const FAMILIES: Readonly<Record<FamilyName, Family>> = {
  llama,
  qwen2,
  qwen3,
  gemma,
  gpt2,
  'gpt-neox': gptNeox,
  phi3,
};
