// A model of any family with seeded random weights, built from the family's own tensor table: what
// the benchmarks and the browser engine check run (the same graph builder as users' models).
import { Rng } from '../engine/index.ts';
import type { LoadedModel } from './load.ts';
import { familyOf } from './registry.ts';
import type { ArchSpec } from './spec.ts';
import type { StoredTensor } from './store.ts';

/**
 * float32 weights uniform in [-scale, scale) (seeded), norm weights 1 (0 for Gemma's 1 + w norms),
 * biases 0. Deterministic in Node and the browser.
 */
export function randomModel(spec: ArchSpec, o: { seed?: number; scale?: number } = {}): LoadedModel {
  const family = familyOf(spec);
  const rng = new Rng(o.seed ?? 12345);
  const scale = o.scale ?? 0.08;
  const tensors = new Map<string, StoredTensor>();
  for (const [name, shape] of family.tensors(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(n);
    if (/norm|ln_/.test(name)) x.fill(name.endsWith('.bias') || spec.family === 'gemma' ? 0 : 1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < n; i++) x[i] = (2 * rng.next() - 1) * scale;
    tensors.set(name, { dtype: 'float32', shape, bytes: new Uint8Array(x.buffer) });
  }
  return { spec, family, tensors, file: `random ${spec.architecture}` };
}
