// `able lab stability`'s perturbation: every weight tensor plus Gaussian noise of relative size eps
// (noise RMS = eps x the tensor's RMS), seeded per tensor name so a run is the same everywhere.
import { decodeFloat16 } from '../atlas/float16';
import type { StoredTensor, WeightStore } from '../models/store';
import { mulberry32, seedFromString } from '../atlas/random';

function toFloat32(t: StoredTensor & { bytes: Uint8Array }): Float32Array {
  const b = t.bytes;
  if (t.dtype === 'float16') return decodeFloat16(b);
  if (t.dtype === 'bfloat16') {
    const out = new Float32Array(b.byteLength / 2);
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < out.length; i++) u[i] = (b[2 * i] | (b[2 * i + 1] << 8)) << 16;
    return out;
  }
  // copy: the source bytes may be a view into a file buffer that others read
  return new Float32Array(b.slice().buffer, 0, b.byteLength / 4);
}

/** One noise stream per tensor: the run's seed mixed with the FNV-1a of the tensor's name. */
const tensorSeed = (name: string, seed: number) => (seedFromString(name) ^ Math.imul(seed, 0x9e3779b1)) >>> 0;

/** x + eps * rms(x) * N(0, 1), elementwise (Box-Muller on a seeded uniform stream). */
export function perturbValues(x: Float32Array, eps: number, seed: number): Float32Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const scale = eps * Math.sqrt(ss / x.length);
  const rand = mulberry32(seed);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const th = 2 * Math.PI * rand();
    out[i] = x[i] + scale * r * Math.cos(th);
    if (i + 1 < x.length) out[i + 1] = x[i + 1] + scale * r * Math.sin(th);
  }
  return out;
}

export function perturbStore(store: WeightStore, eps: number, seed: number): WeightStore {
  if (!(eps >= 0 && eps < 1)) throw new Error(`perturbation size must be in [0, 1), got ${eps}`);
  return {
    file: store.file,
    names: () => store.names(),
    async get(name) {
      const t = await store.get(name);
      if (!('bytes' in t)) throw new Error(`${store.file}: tensor '${name}' is already file-backed; perturb before mapping`);
      const y = perturbValues(toFloat32(t), eps, tensorSeed(name, seed));
      return { dtype: 'float32', shape: t.shape, bytes: new Uint8Array(y.buffer) };
    },
  };
}
