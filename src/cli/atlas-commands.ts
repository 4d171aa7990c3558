// Node side of `able atlas build | merge | eval`: file access around the pure code in src/atlas.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EmbeddingRecord, embeddingToJson, parseEmbeddingBin, parseEmbeddingJson } from '../able/embedding-file';
import { type ProbeSet, probeSetRef, validateProbeSet } from '../able/probes';
import { specInputs } from '../able/pipeline';
import { embeddingFileName, failuresFileName, parseShard, type Shard, shardEntries } from '../atlas/build';
import { behaviourTables } from '../atlas/behaviour';
import { type EvalModel, type EvalReport, evalMarkdown, type RoutingInput, runEval } from '../atlas/eval';
import { type AtlasJson, EMBEDDINGS_FILE, readAtlas } from '../atlas/format';
import type { Manifest, ManifestEntry } from '../atlas/manifest';
import { embeddingId, type LabEntry, mergeAtlas } from '../atlas/merge';
import { flag, positional } from './args';
import { commands } from './commands';
import { segmentWords } from '../text/words';

export const DEFAULT_MANIFEST = 'data/manifest.json';
export const readManifest = (path = DEFAULT_MANIFEST): Manifest => JSON.parse(readFileSync(path, 'utf8'));

export interface BuildOptions {
  manifest: Pick<Manifest, 'models'>;
  outDir: string;
  /** spec hash of the embeddings to build (names the files, so finished ones are found) */
  specHash: string;
  shard?: Shard;
  embedOne: (entry: ManifestEntry) => Promise<EmbeddingRecord>;
  log?: (line: string) => void;
}
export interface BuildSummary {
  done: string[];
  skipped: string[];
  failed: { id: string; error: string }[];
}

/** Embeds this shard's models one by one; skips finished files; a failure is recorded, not fatal. */
export async function atlasBuild(o: BuildOptions): Promise<BuildSummary> {
  const log = o.log ?? console.log;
  mkdirSync(o.outDir, { recursive: true });
  const mine = shardEntries(o.manifest.models, o.shard);
  const res: BuildSummary = { done: [], skipped: [], failed: [] };
  for (const [k, entry] of mine.entries()) {
    const file = join(o.outDir, embeddingFileName(entry.id, o.specHash));
    const tag = `[${k + 1}/${mine.length}] ${entry.id}`;
    if (existsSync(file)) {
      res.skipped.push(entry.id);
      log(`${tag}: exists, skipped`);
      continue;
    }
    const t0 = Date.now();
    try {
      const rec = await o.embedOne(entry);
      if (rec.specHash !== o.specHash) throw new Error(`embedding has spec ${rec.specHash.slice(0, 12)}, expected ${o.specHash.slice(0, 12)}`);
      if (embeddingId(rec) !== entry.id) throw new Error(`embedding is of ${embeddingId(rec)}, expected ${entry.id}`);
      writeFileSync(file, embeddingToJson(rec, { base64: true }));
      res.done.push(entry.id);
      log(`${tag}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      res.failed.push({ id: entry.id, error });
      log(`${tag}: FAILED: ${error}`);
    }
  }
  writeFileSync(join(o.outDir, failuresFileName(o.shard)), `${JSON.stringify(res.failed, null, 1)}\n`);
  log(`shard ${o.shard?.index ?? 1}/${o.shard?.count ?? 1}: ${res.done.length} done, ${res.skipped.length} skipped, ${res.failed.length} failed`);
  return res;
}

/** Reads every *.able.json and *.able.bin in a folder. */
export async function readEmbeddings(dir: string): Promise<EmbeddingRecord[]> {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.able.json') || n.endsWith('.able.bin'))
    .sort();
  const out: EmbeddingRecord[] = [];
  for (const n of names) {
    const p = join(dir, n);
    try {
      out.push(n.endsWith('.bin') ? await parseEmbeddingBin(readFileSync(p)) : await parseEmbeddingJson(readFileSync(p, 'utf8')));
    } catch (e) {
      throw new Error(`${p}: ${(e as Error).message}`);
    }
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
  writeFileSync(join(o.outDir, 'atlas.json'), `${JSON.stringify(atlasJson)}\n`);
  writeFileSync(join(o.outDir, EMBEDDINGS_FILE), embeddingsF16);
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
    const json = JSON.parse(readFileSync(join(o.atlasDir, 'atlas.json'), 'utf8')) as AtlasJson;
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
  writeFileSync(o.out, `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(`${o.out.replace(/\.json$/, '')}.md`, evalMarkdown(report));
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
        lab: lab ? JSON.parse(readFileSync(lab, 'utf8')) : undefined,
        probes: probesFile ? validateProbeSet(JSON.parse(readFileSync(probesFile, 'utf8')), (t) => segmentWords(t).length) : undefined,
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
      const out = flag(args, '--out');
      if (!out) throw new Error('atlas eval: give --out FILE.json');
      const routing = flag(args, '--routing');
      const behaviour = flag(args, '--behaviour');
      const embeddingsDir = flag(args, '--embeddings');
      const report = await atlasEval({
        atlasDir: flag(args, '--atlas'),
        embeddingsDir,
        manifest: embeddingsDir ? readManifest(flag(args, '--manifest')) : undefined,
        out,
        routing: routing ? JSON.parse(readFileSync(routing, 'utf8')) : null,
        behaviour: behaviour ? JSON.parse(readFileSync(behaviour, 'utf8')) : undefined,
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
      const outDir = flag(args, '--out');
      if (!outDir) throw new Error('atlas build: give --out DIR');
      const shardArg = flag(args, '--shard');
      const { specHash, embedOne } = await makeEmbedder(args);
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
