// `able atlas merge`, the pure part: manifest + embedding records -> atlas.json + embeddings.f16.
// Every manifest model gets an entry (embedded or not); embeddings of models outside the manifest
// (lab models: local GGUF files, extra hub models) get entries too, with metadata from a lab list.
import type { Probe } from '../able/probes';
import type { EmbeddingRecord } from '../able/embedding-file';
import { segmentWords } from '../text/words';
import { encodeFloat16 } from './float16';
import { ATLAS_FORMAT, type AtlasJson, type AtlasModel, type AtlasProbe, EMBEDDINGS_FILE, type LayoutParams } from './format';
import { cosineKnn } from './knn';
import { DEFAULT_LAYOUT, umapLayout } from './layout';
import type { ManifestEntry } from './manifest';

export const DEFAULT_KNN_K = 10;

/** Metadata for a model outside the manifest, matched by id (hub id, or file name for local files). */
export type LabEntry = { id: string } & Partial<
  Pick<AtlasModel, 'family' | 'organisation' | 'paramsB' | 'architecture' | 'licence' | 'lineage' | 'benchmarks' | 'benchmarkSource'>
>;

export interface MergeInput {
  manifest: { models: ManifestEntry[] };
  embeddings: EmbeddingRecord[];
  /** the probe set the embeddings were computed on, in order */
  probes: Probe[];
  /** that probe set's id and sha256 (probeSetRef): every embedding's spec must name it */
  probeSet: { id: string; sha256: string };
  lab?: LabEntry[];
  layout?: LayoutParams;
  knnK?: number;
}

/** The id an embedding is matched by: its hub id, or its file name. */
export const embeddingId = (e: EmbeddingRecord): string => ('hubId' in e.model ? e.model.hubId : e.model.file);

export function atlasProbes(probes: Probe[]): AtlasProbe[] {
  let offset = 0;
  return probes.map((p) => {
    const words = segmentWords(p.context).map((w): [number, number] => [w.start, w.end]);
    const out = { id: p.id, domain: p.domain, context: p.context, target: p.target, words, offset };
    offset += words.length;
    return out;
  });
}

export function mergeAtlas(input: MergeInput): { atlasJson: AtlasJson; embeddingsF16: Uint8Array } {
  const layout = input.layout ?? DEFAULT_LAYOUT;
  const knnK = input.knnK ?? DEFAULT_KNN_K;
  const probes = atlasProbes(input.probes);
  const probeDim = probes.reduce((s, p) => s + p.words.length, 0);

  const ids = new Set<string>();
  for (const m of input.manifest.models) {
    if (ids.has(m.id)) throw new Error(`merge: the manifest lists ${m.id} twice`);
    ids.add(m.id);
  }
  const byId = new Map<string, EmbeddingRecord>();
  for (const e of input.embeddings) {
    const id = embeddingId(e);
    if (byId.has(id)) throw new Error(`merge: two embeddings for ${id}; keep one`);
    if (e.specHash !== input.embeddings[0].specHash)
      throw new Error(`merge: ${id} has spec ${e.specHash.slice(0, 12)}, ${embeddingId(input.embeddings[0])} has ${input.embeddings[0].specHash.slice(0, 12)}: not comparable`);
    const ps = e.spec.probeSet;
    if (ps.sha256 !== input.probeSet.sha256)
      throw new Error(
        `merge: ${id} was computed on probe set ${ps.id} (sha256 ${ps.sha256.slice(0, 12)}), but the probes given are ` +
          `${input.probeSet.id} (sha256 ${input.probeSet.sha256.slice(0, 12)})`,
      );
    if (e.dim !== probeDim || e.vector.length !== probeDim)
      throw new Error(`merge: ${id} has dim ${e.dim} (${e.vector.length} values); the probe set gives ${probeDim}`);
    byId.set(id, e);
  }

  const models: AtlasModel[] = input.manifest.models.map((m) => ({
    id: m.id,
    family: m.family,
    organisation: m.organisation,
    paramsB: m.paramsB,
    architecture: m.architecture,
    licence: m.licence,
    lineage: m.lineage.map((l) => ({ parent: l.parent, type: l.type })),
    benchmarks: m.benchmarks,
    benchmarkSource: m.benchmarkSource,
    row: null,
    xy: null,
    knn: [],
    provenance: null,
    origin: 'manifest',
  }));
  const inManifest = new Set(models.map((m) => m.id));
  const lab = new Map((input.lab ?? []).map((l) => [l.id, l]));
  const labIds = [...byId.keys()].filter((id) => !inManifest.has(id)).sort();
  for (const id of labIds) {
    const l = lab.get(id);
    models.push({
      id,
      family: l?.family ?? 'lab',
      organisation: l?.organisation ?? (id.includes('/') ? id.split('/')[0] : ''),
      paramsB: l?.paramsB ?? null,
      architecture: l?.architecture ?? null,
      licence: l?.licence ?? null,
      lineage: l?.lineage ?? [],
      benchmarks: l?.benchmarks ?? null,
      benchmarkSource: l?.benchmarkSource ?? null,
      row: null,
      xy: null,
      knn: [],
      provenance: null,
      origin: 'lab',
    });
  }

  // Rows in entry order; kNN from the float32 vectors (before float16 storage).
  const embedded = models.filter((m) => byId.has(m.id));
  const vectors = embedded.map((m) => byId.get(m.id)!.vector);
  const xy = umapLayout(vectors, layout);
  const knn = cosineKnn(vectors, knnK);
  embedded.forEach((m, r) => {
    const e = byId.get(m.id)!;
    m.row = r;
    m.xy = xy[r];
    m.knn = knn[r];
    m.provenance = {
      where: e.computed.where,
      how:
        `able embed (${e.engine.name} ${e.engine.version}, ${e.spec.attribution}, ${e.engine.provider})` +
        (e.reaggregated ? `, re-aggregated to method v${e.spec.methodVersion} by able reaggregate on ${e.reaggregated.date.slice(0, 10)}` : `, method v${e.spec.methodVersion}`),
      date: e.computed.date,
    };
  });

  const block = new Float32Array(embedded.length * probeDim);
  vectors.forEach((v, r) => {
    block.set(v, r * probeDim);
  });
  const first = input.embeddings[0];
  return {
    atlasJson: {
      format: ATLAS_FORMAT,
      spec: first?.spec ?? null,
      specHash: first?.specHash ?? null,
      dim: probeDim,
      probes,
      embeddings: { file: EMBEDDINGS_FILE, dtype: 'float16', rows: embedded.length },
      layout,
      knnK,
      models,
    },
    embeddingsF16: encodeFloat16(block),
  };
}
