// WeightStore: tensors by Hugging Face name, whatever file they come from. Safetensors tensors are
// handed out as stored (float32/16/bf16 bytes, no copy); GGUF stores (gguf-store.ts) dequantize.
import type { LazyBytes, WeightFileRef } from '../engine/index.ts';
import type { SafetensorsFile } from '../weights/index.ts';
import { halfToFloat, WeightsError } from '../weights/index.ts';

export type StoredDType = 'float32' | 'float16' | 'bfloat16';

export type StoredTensor = {
  dtype: StoredDType;
  /** Hub / PyTorch order ([out, in] for a linear). */
  shape: number[];
} & (
  | {
      /** Little-endian element bytes. */
      bytes: Uint8Array;
    }
  | {
      /** The same bytes in a file the Node runtime memory-maps (src/cli/weight-file.ts). */
      file: WeightFileRef;
    }
  | {
      /** The same bytes made on demand (ggufStore's lazy option: the tab on WASM). */
      lazy: LazyBytes;
    }
);

export interface WeightStore {
  /** File name(s), for error messages. */
  file: string;
  names(): string[];
  get(name: string): Promise<StoredTensor>;
}

const ST_DTYPES: Record<string, StoredDType> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** One or more safetensors files (shards) as one store. */
export function safetensorsStore(files: SafetensorsFile[]): WeightStore {
  const where = new Map<string, SafetensorsFile>();
  for (const f of files) for (const t of f.tensors) where.set(t.name, f);
  const fileNames = files.map((f) => f.source.name).join(', ');
  return {
    file: fileNames,
    names: () => [...where.keys()],
    async get(name) {
      const f = where.get(name);
      if (!f) throw new WeightsError(fileNames, `no tensor named '${name}'`);
      const t = await f.read(name);
      const dtype = ST_DTYPES[t.dtype];
      if (!dtype) throw new WeightsError(f.source.name, `tensor '${name}' has dtype ${t.dtype}; float32, float16 or bfloat16 expected`);
      return { dtype, shape: t.shape, bytes: t.data };
    },
  };
}

/** A tensor as float32 bytes (float16/bfloat16 widen exactly; float32 is handed back as is). */
export function toFloat32(t: StoredTensor): StoredTensor & { bytes: Uint8Array } {
  if (!('bytes' in t)) throw new Error('toFloat32: the tensor is file-backed or made on demand (already float32)');
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
