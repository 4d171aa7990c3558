// Qwen3: the Llama block plus a per-head RMSNorm on q and k before rope; head_dim is its own
// config value (not hidden / heads).
import type { Family } from './family.ts';
import { llamaForward, llamaNames, llamaTensors } from './llama.ts';

const V = { qkNorm: true };

export const qwen3: Family = {
  ...llamaNames,
  tensors: (s) => llamaTensors(s, V),
  forward: (ctx, x) => llamaForward(ctx, x, V),
};
