// Qwen2 / Qwen2.5: the Llama block with biases on the q, k, v projections (not o); the spec
// sets qkvBias for this family, and optional sliding layers come from layer_types.
import type { Family } from './family.ts';
import { llamaForward, llamaNames, llamaTensors } from './llama.ts';

const V = { qkNorm: false };

export const qwen2: Family = {
  ...llamaNames,
  tensors: (s) => llamaTensors(s, V),
  forward: (ctx, x) => llamaForward(ctx, x, V),
};
