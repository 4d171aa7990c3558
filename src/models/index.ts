// Public API of src/models (used by src/able/embed.ts and the CLI):
//
//   archSpecFromConfig(configJson) / archSpecFromGguf(ggufFile) -> ArchSpec
//       (archSpecFromGguf also takes gguf.metadata alone: then the head is assumed tied and the
//       biases the family's usual ones; ggufStore refuses a file that says otherwise)
//       throws UnsupportedArchitectureError (names the architecture and the supported list) or
//       ModelConfigError (a config value we do not implement, e.g. rope type 'yarn').
//   safetensorsStore(files) / ggufStore(gguf, spec) -> WeightStore (tensors by HF name)
//   loadModel(spec, store) -> LoadedModel
//       checks every tensor the family reads: WeightsError naming the tensor, the file, the
//       expected and the actual shape (or that it is missing).
//   buildAttributionGraph(model, {T, B, dtype?, logits?, maxTargets?, offset?, objective?}) -> Graph
//       inputs  ids int64 [T] (padded at the end), targetMask [T], alpha [B], offset [B, T, D] (opt)
//       outputs f [B], grad [B, T, D] (df/dX at X = alpha[b] E + offset[b]), embeds [T, D] (E), logits [T, V] (opt)
//       E is the input-embedding matrix as the first layer sees it. Gemma: AFTER the sqrt(hidden)
//       scale (as transformers' embedding module and the golden fixtures do). GPT-2: without the
//       learned positions. gxi and ig are the same either way.
//       maxTargets K (option): the head (and log-softmax) only at <= K target positions; same f and
//       grad, much less work for large vocabularies. The session builds its extra inputs from targetMask.
//       offset: true adds the offset input (IG from a non-zero baseline, SmoothGrad; absent by default).
//       objective 'target-logprob' (default, method v1) | 'expected-logprob' (sum_v p log p at the
//       same positions, same weights).
//   createAttributionSession(runtime, model, {T, B, maxTargets?, logits?, dtype?, offset?, objective?})
//       -> {run(ids, targetMask, alpha, offset?) -> {f, grad, embeds, logits?}, provider, createMs, nodeCount, release}
export { archSpecFromConfig } from './config.ts';
export type { Family, ForwardContext } from './family.ts';
export { archSpecFromGguf, ggufStore } from './gguf.ts';
export { type AttributionGraphOptions, type AttributionObjective, buildAttributionGraph } from './graph.ts';
export { type LoadedModel, loadModel } from './load.ts';
export { FAMILIES, GGUF_ARCHITECTURES, HF_ARCHITECTURES, SUPPORTED_ARCHITECTURES } from './registry.ts';
export {
  type AttributionResult,
  type AttributionSession,
  type AttributionSessionOptions,
  createAttributionSession,
} from './session.ts';
export { type ArchSpec, type FamilyName, ModelConfigError, type RopeSpec, UnsupportedArchitectureError } from './spec.ts';
export { type StoredDType, type StoredTensor, safetensorsStore, type WeightStore } from './store.ts';
