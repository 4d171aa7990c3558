// Node side of `able atlas build | merge | eval`: file access around the pure code in src/atlas.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EmbeddingRecord, parseEmbeddingBin, parseEmbeddingJson } from '../able/embedding-file';
import { type ProbeSet, probeSetRef, validateProbeSet } from '../able/probes';
import { specInputs } from '../able/pipeline';
import { type BuildSummary, buildAtlas, type BuildOptions as CoreBuildOptions, type FilePort, parseShard } from '../atlas/build';
import { behaviourTables } from '../atlas/behaviour';
import { type EvalModel, type EvalReport, evalMarkdown, type RoutingInput, runEval } from '../atlas/eval';
import { type AtlasJson, EMBEDDINGS_FILE, readAtlas, validateAtlasJson } from '../atlas/format';
import type { Manifest } from '../atlas/manifest';
import { embeddingId, type LabEntry, mergeAtlas } from '../atlas/merge';
import { parseJsonFile, validateLab, validateManifest } from '../atlas/inputs';
import { flag, positional, requiredFlag } from './args';
import { readJsonFile } from './input-files';
import { nodeFilePort, replaceFiles, type WriteAll } from './node-files';
import { commands } from './commands';
import { segmentWords } from '../text/words';

export const DEFAULT_MANIFEST = 'data/manifest.json';
export const readManifest = (path = DEFAULT_MANIFEST): Manifest => validateManifest(readJsonFile(path, 'manifest'), path) as Manifest;
export const readLab = (path: string): LabEntry[] => validateLab(readJsonFile(path, 'lab list'), path);
export function readProbes(path: string): ProbeSet {
  const raw = readJsonFile(path, 'probe set');
  try {
    return validateProbeSet(raw, (t) => segmentWords(t).length);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

export type BuildOptions = Omit<CoreBuildOptions, 'files'> & { files?: FilePort };
export type { BuildSummary };

/** `able atlas build` on the local disk (the loop itself is src/atlas/build.ts). */
export const atlasBuild = (o: BuildOptions): Promise<BuildSummary> =>
  buildAtlas({ ...o, files: o.files ?? nodeFilePort(), log: o.log ?? console.log });

/** Reads every *.able.json and *.able.bin in a folder. */
export async function readEmbeddings(dir: string): Promise<EmbeddingRecord[]> {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.able.json') || n.endsWith('.able.bin'))
    .sort();
  const out: EmbeddingRecord[] = [];
  const fileOf = new Map<string, string>();
  for (const n of names) {
    const p = join(dir, n);
    let rec: EmbeddingRecord;
    try {
      rec = n.endsWith('.bin') ? await parseEmbeddingBin(readFileSync(p)) : await parseEmbeddingJson(readFileSync(p, 'utf8'));
    } catch (e) {
      throw new Error(`${p}: ${(e as Error).message}`);
    }
    const id = embeddingId(rec);
    const other = fileOf.get(id);
    if (other) throw new Error(`merge: two embeddings for ${id}: ${other} and ${p}; keep one`);
    fileOf.set(id, p);
    out.push(rec);
  }
  return out;
}

export async function atlasMerge(o: {
  dir: string;
  outDir: string;
  manifest: Pick<Manifest, 'models'>;
  /** the probe set of the embeddings' spec (default: the one this build carries with that sha256) */
  probes?: ProbeSet;
  lab?: LabEntry[];
  /** injected low-level write (tests simulate a full disk) */
  write?: WriteAll;
}): Promise<AtlasJson> {
  const embeddings = await readEmbeddings(o.dir);
  const probes = o.probes ?? (await specInputs(embeddings[0]?.spec)).probes;
  const { atlasJson, embeddingsF16 } = mergeAtlas({
    manifest: o.manifest,
    embeddings,
    probes: probes.probes,
    probeSet: await probeSetRef(probes),
    lab: o.lab,
  });
  mkdirSync(o.outDir, { recursive: true });
  // The pair is one unit: both written and synced before either replaces the previous version.
  await replaceFiles(
    [
      { path: join(o.outDir, EMBEDDINGS_FILE), data: embeddingsF16 },
      { path: join(o.outDir, 'atlas.json'), data: `${JSON.stringify(atlasJson)}\n` },
    ],
    o.write,
  );
  return atlasJson;
}

export async function atlasEval(o: {
  /** an atlas folder (atlas.json + embeddings.f16): ABLE vectors from float16 */
  atlasDir?: string;
  /** a folder of embedding files: ABLE vectors (float32) and the output-based baseline */
  embeddingsDir?: string;
  manifest?: Pick<Manifest, 'models'>;
  out: string;
  /** parameter-based baseline: flattened weights per model id (computed elsewhere) */
  paramVectors?: (ids: string[]) => Promise<Map<string, ArrayLike<number>>>;
  routing?: RoutingInput | null;
  /** the lab's behavioural tables (lab/behaviour.json): pairwise output-based baselines within families */
  behaviour?: unknown;
}): Promise<EvalReport> {
  const able = new Map<string, ArrayLike<number>>();
  const output = new Map<string, ArrayLike<number>>();
  let models: EvalModel[] = [];
  if (o.atlasDir) {
    const json = validateAtlasJson(parseJsonFile(readFileSync(join(o.atlasDir, 'atlas.json'), 'utf8'), join(o.atlasDir, 'atlas.json')));
    const atlas = readAtlas(json, readFileSync(join(o.atlasDir, json.embeddings.file)));
    models = json.models.filter((m) => m.row !== null).map((m) => ({ ...m }));
    for (const m of json.models) if (m.row !== null) able.set(m.id, atlas.vector(m.row));
  }
  if (o.embeddingsDir) {
    for (const e of await readEmbeddings(o.embeddingsDir)) {
      if (!o.atlasDir) able.set(embeddingId(e), e.vector);
      if (e.targetLogProbs.length > 0) output.set(embeddingId(e), e.targetLogProbs);
    }
    if (!o.atlasDir) {
      if (!o.manifest) throw new Error('atlas eval: --embeddings needs a manifest');
      models = o.manifest.models.filter((m) => able.has(m.id));
    }
  }
  if (models.length === 0) throw new Error('atlas eval: no embedded models (give --atlas DIR or --embeddings DIR)');
  const params = o.paramVectors ? await o.paramVectors(models.map((m) => m.id)) : undefined;
  const pairwise = o.behaviour === undefined ? undefined : behaviourTables(o.behaviour);
  const report = runEval({ models, able, output: output.size > 0 ? output : undefined, params, pairwise, routing: o.routing });
  await replaceFiles([
    { path: o.out, data: `${JSON.stringify(report, null, 1)}\n` },
    { path: `${o.out.replace(/\.json$/, '')}.md`, data: evalMarkdown(report) },
  ]);
  return report;
}


commands.push(
  {
    name: 'atlas merge',
    summary: 'merge embedding files into the atlas the app loads',
    help: [
      'Usage: able atlas merge DIR --out public/atlas/ [--manifest data/manifest.json] [--lab lab.json] [--probes FILE]',
      '',
      "  --probes FILE   the probe set the embeddings' spec names (default: the built-in one with that sha256)",
    ].join('\n'),
    async run(args) {
      const dir = positional(args);
      const out = flag(args, '--out');
      if (!dir || !out) throw new Error('atlas merge: give DIR and --out OUT');
      const lab = flag(args, '--lab');
      const probesFile = flag(args, '--probes');
      const json = await atlasMerge({
        dir,
        outDir: out,
        manifest: readManifest(flag(args, '--manifest')),
        lab: lab ? readLab(lab) : undefined,
        probes: probesFile ? readProbes(probesFile) : undefined,
      });
      console.log(`${out}: ${json.models.length} models, ${json.embeddings.rows} embedded, dim ${json.dim}`);
      return 0;
    },
  },
  {
    name: 'atlas eval',
    summary: 'relation and benchmark prediction from the embeddings, against the baselines',
    help: 'Usage: able atlas eval (--atlas DIR | --embeddings DIR [--manifest M]) --out FILE.json [--routing FILE.json] [--behaviour lab/behaviour.json]',
    async run(args) {
      const out = requiredFlag(args, '--out', 'atlas eval: give --out FILE.json');
      const routing = flag(args, '--routing');
      const behaviour = flag(args, '--behaviour');
      const embeddingsDir = flag(args, '--embeddings');
      const report = await atlasEval({
        atlasDir: flag(args, '--atlas'),
        embeddingsDir,
        manifest: embeddingsDir ? readManifest(flag(args, '--manifest')) : undefined,
        out,
        routing: routing ? (readJsonFile(routing, 'routing table') as RoutingInput) : null,
        behaviour: behaviour ? (readJsonFile(behaviour, 'behaviour table') as never) : undefined,
      });
      console.log(`${out}: ${report.all.models.length} models evaluated`);
      return 0;
    },
  },
);

/**
 * Registers `able atlas build`; the caller supplies the engine: from the command's arguments, the
 * spec hash and the function that embeds one manifest entry. Exit code 1 when any model failed
 * (a batch system's retry then redoes only those: finished files are skipped).
 */
export function registerAtlasBuild(
  makeEmbedder: (args: string[]) => Promise<{ specHash: string; embedOne: BuildOptions['embedOne'] }>,
): void {
  commands.push({
    name: 'atlas build',
    summary: 'embed the manifest models (one shard of them) into a folder of embedding files',
    help: 'Usage: able atlas build --out DIR [--manifest data/manifest.json] [--shard i/n] [engine options]',
    async run(args) {
      const outDir = requiredFlag(args, '--out', 'atlas build: give --out DIR');
      const { specHash, embedOne } = await makeEmbedder(args);
      const shardArg = flag(args, '--shard');
      const res = await atlasBuild({
        manifest: readManifest(flag(args, '--manifest')),
        outDir,
        specHash,
        shard: shardArg ? parseShard(shardArg) : undefined,
        embedOne,
      });
      return res.failed.length > 0 ? 1 : 0;
    },
  });
}
