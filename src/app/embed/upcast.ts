// onnxruntime-web's WebGPU kernels for float16 tensors (the Gather and Cast of float16 weights)
// need the adapter's 'shader-f16' feature; without it (SwiftShader, many integrated GPUs) the
// shaders fail to compile and ORT carries on with garbage: zero embeddings, no error. So on WebGPU
// the weights are handed to the graph as float32 (its casts become no-ops). Costs 2x the memory
// of float16/bfloat16 weights; the numbers are unchanged (both widen exactly to float32).
import type { LoadedModel, StoredTensor } from '../../models/index';
import { halfToFloat } from '../../weights/index';

export function toFloat32(t: StoredTensor): StoredTensor & { bytes: Uint8Array } {
  if (!('bytes' in t)) throw new Error('file-backed weights are for the Node runtime, not the tab');
  if (t.dtype === 'float32') return t;
  const n = t.bytes.byteLength / 2;
  const src = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(n);
  if (t.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToFloat(src.getUint16(2 * i, true));
  else {
    // bfloat16 is the top half of a float32
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = src.getUint16(2 * i, true) << 16;
  }
  return { dtype: 'float32', shape: t.shape, bytes: new Uint8Array(out.buffer) };
}

export function withFloat32Weights(model: LoadedModel): LoadedModel {
  return { ...model, tensors: new Map([...model.tensors].map(([k, t]) => [k, toFloat32(t)])) };
}
