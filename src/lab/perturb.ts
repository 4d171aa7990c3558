// `able lab stability`'s perturbation: every weight tensor plus Gaussian noise of relative size eps
// (noise RMS = eps x the tensor's RMS), seeded per tensor name so a run is the same everywhere.
import { type StoredTensor, toFloat32, type WeightStore } from '../models/store';
import { mulberry32, seedFromString } from '../atlas/random';

/** The tensor's values as a Float32Array (a copy where its bytes are not 4-byte aligned). */
export function values(t: StoredTensor): Float32Array {
  const { bytes } = toFloat32(t);
  return bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Float32Array(bytes.slice().buffer);
}

/** One noise stream per tensor: the run's seed mixed with the FNV-1a of the tensor's name. */
const tensorSeed = (name: string, seed: number) => (seedFromString(name) ^ Math.imul(seed, 0x9e3779b1)) >>> 0;

/** x + eps * rms(x) * N(0, 1), elementwise. */
export function perturbValues(x: Float32Array, eps: number, seed: number): Float32Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  return addGaussian(x, eps * Math.sqrt(ss / x.length), seed);
}

/** x + scale * N(0, 1), elementwise (Box-Muller on a seeded uniform stream; also SmoothGrad's noise). */
export function addGaussian(x: Float32Array, scale: number, seed: number): Float32Array {
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
      const y = perturbValues(values(t), eps, tensorSeed(name, seed));
      return { dtype: 'float32', shape: t.shape, bytes: new Uint8Array(y.buffer) };
    },
  };
}
