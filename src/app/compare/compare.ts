// The 'why are they neighbours' view as data: per probe, both models' word attributions, their
// cosine, and probes ordered by disagreement (lowest cosine first).
import { cosine } from '../../atlas/knn';
import type { AtlasProbe } from '../data/atlas-types';

export interface ProbeComparison {
  probe: number; // index into the atlas probes
  a: Float32Array;
  b: Float32Array;
  cosine: number; // of the two models' word attributions on this probe
}

export function compareProbes(probes: AtlasProbe[], va: Float32Array, vb: Float32Array): ProbeComparison[] {
  const rows = probes.map((p, i) => {
    const a = va.subarray(p.offset, p.offset + p.words.length);
    const b = vb.subarray(p.offset, p.offset + p.words.length);
    return { probe: i, a, b, cosine: cosine(a, b) };
  });
  // most disagreement first; ties in probe-set order
  return rows.sort((x, y) => x.cosine - y.cosine || x.probe - y.probe);
}
