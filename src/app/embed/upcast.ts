// onnxruntime-web's WebGPU kernels for float16 tensors (the Gather and Cast of float16 weights)
// need the adapter's 'shader-f16' feature; without it (SwiftShader, many integrated GPUs) the
// shaders fail to compile and ORT carries on with garbage: zero embeddings, no error. So on WebGPU
// the weights are handed to the graph as float32 (its casts become no-ops). Costs 2x the memory
// of float16/bfloat16 weights; the numbers are unchanged (both widen exactly to float32).
import type { LoadedModel } from '../../models/index';
import { toFloat32 } from '../../models/store';

export function withFloat32Weights(model: LoadedModel): LoadedModel {
  return { ...model, tensors: new Map([...model.tensors].map(([k, t]) => [k, toFloat32(t)])) };
}
