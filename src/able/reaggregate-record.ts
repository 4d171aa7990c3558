// An embedding file under another method version, from its stored vector alone (no model run): the
// versions differ only in how each probe's word attributions are scaled (aggregate.ts, reaggregate).
import { probeWordCounts, reaggregate } from './aggregate';
import type { EmbeddingRecord } from './embedding-file';
import { specInputs } from './pipeline';
import { type MethodVersion, NORMALIZATION, specHash } from './spec';

export async function reaggregateRecord(rec: EmbeddingRecord, version: MethodVersion, date: string): Promise<EmbeddingRecord> {
  if (rec.spec.methodVersion === version) return rec;
  const label = 'hubId' in rec.model ? rec.model.hubId : rec.model.file;
  const { probes } = await specInputs(rec.spec);
  const vector = reaggregate(rec.vector, probeWordCounts(probes.probes), version, label);
  const spec = { ...rec.spec, methodVersion: version, normalization: NORMALIZATION[version] };
  return {
    ...rec,
    spec,
    specHash: await specHash(spec),
    // the attributions' provenance (engine, computed) stays; this says the vector was re-aggregated
    reaggregated: { fromSpecHash: rec.reaggregated?.fromSpecHash ?? rec.specHash, date },
    dim: vector.length,
    vector,
  };
}
