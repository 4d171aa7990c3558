// Qwen2 / Qwen2.5: the Llama block with biases on the q, k, v projections (not o); optional
// sliding layers from use_sliding_window + max_window_layers, or layer_types.
import type { ConfigContext, Family } from './family.ts';
import { llamaConfig, llamaForward, llamaGgufNames, llamaNames, llamaTensors } from './llama.ts';
import type { ArchSpec } from './spec.ts';

const V = { qkNorm: false };

/** Qwen's window: only with use_sliding_window, on the layers from max_window_layers on (transformers' default). */
export function qwenWindow(s: ArchSpec, c: Record<string, any>, x: ConfigContext): ArchSpec {
  const window = c.use_sliding_window ? s.slidingWindow : null;
  if (x.hasLayerTypes) return { ...s, slidingWindow: window };
  const from = c.max_window_layers ?? s.layers;
  return { ...s, slidingWindow: window, layerTypes: s.layerTypes.map((_, i) => (window !== null && i >= from ? 'sliding' : 'full')) };
}

export const qwen2: Family = {
  name: 'qwen2',
  hubArchitectures: { Qwen2ForCausalLM: 0 },
  ggufArchitectures: { qwen2: 0 },
  fromConfig: (s, c, x) => qwenWindow({ ...llamaConfig(s, c, x), qkvBias: true, oBias: false }, c, x),
  fromGguf: (s) => ({ ...s, qkvBias: true }),
  ggufNames: (s, n) => llamaGgufNames(s, n),
  ...llamaNames,
  tensors: (s) => llamaTensors(s, V),
  forward: (ctx, x) => llamaForward(ctx, x, V),
};
