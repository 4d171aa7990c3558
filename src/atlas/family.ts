// Family of a model: a name pattern matched against the root of its base_model chain.
// A heuristic label from names (documented in docs/atlas.md), not ground truth: the leaderboard
// table lists no families. A pattern counts only when the row's architecture fits it, so
// "zephyr-7b-gemma" (Gemma) is not called Mistral; no match gives "other (<architecture>)".

interface FamilyRule {
  pattern: RegExp;
  family: string;
  architectures: string[];
}

const LLAMA = ['LlamaForCausalLM'];
const QWEN = ['Qwen2ForCausalLM'];

/** Ordered: the first rule whose pattern matches the lower-cased hub id and whose architecture fits wins. */
export const FAMILY_RULES: FamilyRule[] = [
  { pattern: /smollm2/, family: 'SmolLM2', architectures: LLAMA },
  { pattern: /smollm/, family: 'SmolLM', architectures: LLAMA },
  { pattern: /qwen3/, family: 'Qwen3', architectures: ['Qwen3ForCausalLM'] },
  { pattern: /qwen[-_]?2\.5|qwen25/, family: 'Qwen2.5', architectures: QWEN },
  { pattern: /r1-distill-qwen/, family: 'DeepSeek-R1-Distill-Qwen', architectures: QWEN },
  { pattern: /qwen[-_]?1\.5/, family: 'Qwen1.5', architectures: QWEN },
  { pattern: /qwen[-_]?2/, family: 'Qwen2', architectures: QWEN },
  { pattern: /tinyllama/, family: 'TinyLlama', architectures: LLAMA },
  { pattern: /llama[-_]?3\.2|(^|[/_-])l3\.2/, family: 'Llama-3.2', architectures: LLAMA },
  { pattern: /llama[-_]?3\.1|(^|[/_-])l3\.1/, family: 'Llama-3.1', architectures: LLAMA },
  { pattern: /llama[-_]?3|(^|[/_-])l3[-_]/, family: 'Llama-3', architectures: LLAMA },
  { pattern: /llama[-_]?2/, family: 'Llama-2', architectures: LLAMA },
  { pattern: /falcon3/, family: 'Falcon3', architectures: LLAMA },
  { pattern: /granite/, family: 'Granite', architectures: LLAMA },
  { pattern: /deepseek/, family: 'DeepSeek', architectures: LLAMA },
  { pattern: /nemo/, family: 'Mistral-NeMo', architectures: ['MistralForCausalLM'] },
  { pattern: /mistral|zephyr/, family: 'Mistral-7B', architectures: ['MistralForCausalLM'] },
  { pattern: /gemma[-_]?3/, family: 'Gemma-3', architectures: ['Gemma3ForCausalLM'] },
  { pattern: /gemma[-_]?2/, family: 'Gemma-2', architectures: ['Gemma2ForCausalLM'] },
  { pattern: /gemma/, family: 'Gemma', architectures: ['GemmaForCausalLM'] },
  { pattern: /phi[-_]?3\.5/, family: 'Phi-3.5', architectures: ['Phi3ForCausalLM'] },
  { pattern: /phi[-_]?3/, family: 'Phi-3', architectures: ['Phi3ForCausalLM'] },
  { pattern: /phi[-_]?4/, family: 'Phi-4', architectures: ['Phi3ForCausalLM', ...LLAMA] },
  { pattern: /gpt-?2/, family: 'GPT-2', architectures: ['GPT2LMHeadModel'] },
  { pattern: /pythia|dolly/, family: 'Pythia', architectures: ['GPTNeoXForCausalLM'] },
];

export const OTHER_PREFIX = 'other';

/** Family label for a model whose base chain ends at `rootId`; falls back to the model's own id. */
export function familyOf(rootId: string, ownId: string, architecture: string): string {
  for (const id of [rootId, ownId]) {
    const name = id.toLowerCase();
    for (const r of FAMILY_RULES) if (r.architectures.includes(architecture) && r.pattern.test(name)) return r.family;
  }
  return `${OTHER_PREFIX} (${architecture})`;
}

/** "other (...)" families are catch-alls: sharing one says nothing about relatedness. */
export const isKnownFamily = (family: string): boolean => !family.startsWith(OTHER_PREFIX);
