// Qwen3: the Llama block plus a per-head RMSNorm on q and k before rope; head_dim is its own
// config value (not hidden / heads).
import type { Family } from './family.ts';
import { llamaConfig, llamaForward, llamaGgufNames, llamaNames, llamaTensors } from './llama.ts';
import { qwenWindow } from './qwen2.ts';

const V = { qkNorm: true };

export const qwen3: Family = {
  name: 'qwen3',
  hubArchitectures: { Qwen3ForCausalLM: 0 },
  ggufArchitectures: { qwen3: 0 },
  fromConfig: (s, c, x) => qwenWindow(llamaConfig(s, c, x), c, x),
  fromGguf: (s) => s,
  ggufNames: (s, n) => llamaGgufNames(s, n),
  ...llamaNames,
  tensors: (s) => llamaTensors(s, V),
  forward: (ctx, x) => llamaForward(ctx, x, V),
};
