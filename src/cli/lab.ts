// `able lab ablate`: the method ablation on the lineage lab (docs/method.md). Optionally computes raw
// attribution runs of the lab models first (`--run gxi,ig8`, resumable: one JSON per model and run),
// then scores every variant with M1-M4 and writes lab/ablate/ablate.json, ablate.md and ablate.svg.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_SET_V1 } from '../able/probes/index.ts';
import { behaviourTables } from '../atlas/behaviour.ts';
import { type AttributionSource, type Centring, type KlGroup, rankVariants, runAblation, summarize, type VariantScore } from '../lab/ablate.ts';
import { type LabModel, m1, m3, realBases, type Similarity, siblingsNearest, similarityOf } from '../lab/metrics.ts';
import { EMBEDDINGS_FILE, readAtlas } from '../atlas/format.ts';
import { parseRun, type RawRun, rawWords, runName, runRows } from '../lab/raw.ts';
import { convergence } from '../lab/convergence.ts';
import { ablationMarkdown, ablationSvg, convergenceSvg, stabilitySvg } from '../lab/report.ts';
import { perturbStore } from '../lab/perturb.ts';
import { embeddingDistance, logLogFit } from '../lab/stability.ts';
import { aggregate, aggregationGrid, aggregationName, probeBlocks, splitBlocks, V1_AGGREGATION } from '../lab/variants.ts';
import { flag } from './args.ts';
import { readEmbeddings, readLab } from './atlas-commands.ts';
import { commands } from './commands.ts';
import { type EmbedCliOptions, embedFromInput, embedOptionsFromArgs } from './embed.ts';
import { readJsonFile } from './input-files.ts';
import { replaceFiles } from './node-files.ts';

interface RawFile {
  format: 'able-lab-raw/1';
  model: string;
  run: string;
  seconds: number;
  probeSet: string;
  targetLogProbs: number[];
  /** quantity -> unnormalized word attributions, concatenated in probe order */
  words: Record<string, number[]>;
}

const keyOf = (id: string) => id.replace(/\//g, '__');
const round7 = (x: number) => Number(x.toPrecision(7));

/** Runs the engine on one lab model and keeps every quantity the run gives (src/lab/raw.ts). */
async function rawRun(model: { id: string; path: string }, run: RawRun, threads?: number, transformStore?: EmbedCliOptions['transformStore']): Promise<RawFile> {
  const perProbe: Record<string, Float64Array>[] = [];
  const t0 = performance.now();
  // ig from the mean embedding and SmoothGrad: their own batch rows, fed by the table's statistics
  const extra = runRows(run);
  if (extra && transformStore) throw new Error(`run ${runName(run)} reads the embedding table as loaded; it takes no weight transform`);
  const rec = await embedFromInput(model.path, {
    // the record's spec (unused here): ig's for the ig runs, gxi's for SmoothGrad
    method: run.kind === 'ig' ? { kind: 'ig', steps: run.steps } : { kind: 'gxi' },
    probes: PROBE_SET_V1,
    name: model.id,
    threads,
    objective: run.expected ? 'expected-logprob' : undefined,
    transformStore: extra?.observe ?? transformStore,
    rows: extra?.rows,
    quiet: true,
    onProbe: (r) => {
      perProbe[r.index] = rawWords(run, r);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const words: Record<string, number[]> = {};
  for (const q of Object.keys(perProbe[0])) words[q] = perProbe.flatMap((p) => Array.from(p[q], round7));
  return { format: 'able-lab-raw/1', model: model.id, run: runName(run), seconds, probeSet: PROBE_SET_V1.id, targetLogProbs: rec.targetLogProbs, words };
}

function readRaw(dir: string): RawFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const f = readJsonFile(join(dir, n), 'raw attribution file') as RawFile;
      if (f.format !== 'able-lab-raw/1') throw new Error(`${join(dir, n)}: format is not able-lab-raw/1`);
      return f;
    });
}

/** Minus the L2 distance of per-probe target log-prob vectors: the v1 output-based baseline. */
function logProbBaseline(lp: Map<string, number[]>): Similarity {
  const ids = [...lp.keys()];
  const n = ids.length;
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = lp.get(ids[i])!;
      const b = lp.get(ids[j])!;
      sim[i * n + j] = -Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0));
    }
  return { ids, sim };
}

function tableSimilarity(t: { ids: string[]; similarity: number[][] }): Similarity {
  const n = t.ids.length;
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sim[i * n + j] = t.similarity[i][j];
  return { ids: t.ids, sim };
}

/** The stored v1 lab embeddings (one source) and every quantity of the raw runs (one source each). */
async function loadSources(embDir: string, rawDir: string): Promise<{ sources: AttributionSource[]; logProbs: Map<string, number[]> }> {
    const blocks = probeBlocks(PROBE_SET_V1);
  const sources: AttributionSource[] = [];
  const stored = (await readEmbeddings(embDir)).filter((r) => 'file' in r.model && r.spec.attribution === 'gxi');
  const logProbs = new Map<string, number[]>();
  if (stored.length) {
    const src: AttributionSource = { name: 'gxi-v1-stored', stored: true, blocks: new Map() };
    for (const r of stored) {
      const id = (r.model as { file: string }).file;
      src.blocks.set(id, splitBlocks(r.vector, blocks));
      logProbs.set(id, r.targetLogProbs);
    }
    sources.push(src);
  }
  const byQuantity = new Map<string, AttributionSource>();
  for (const f of readRaw(rawDir))
    for (const [q, w] of Object.entries(f.words)) {
      const s = byQuantity.get(q) ?? { name: q, stored: false, blocks: new Map(), seconds: new Map() };
      byQuantity.set(q, s);
      s.blocks.set(f.model, splitBlocks(w, blocks));
      s.seconds!.set(f.model, f.seconds);
    }
  sources.push(...byQuantity.values());

  return { sources, logProbs };
}

commands.push({
  name: 'lab ablate',
  summary: 'score method variants on the lineage lab (M1 quantization, M2 behaviour, M3 lineage, M4 cost)',
  help: [
    'Usage: able lab ablate [--run gxi,ig8,ig8-mean,sg8] [--only SUBSTR,...] [options]',
    '',
    '  --lab FILE          lab list (default lab/lab.json)',
    '  --embeddings DIR    stored v1 embeddings of the lab models (default lab/embeddings-v1)',
    '  --behaviour FILE    behavioural tables (default lab/behaviour.json)',
    '  --raw DIR           raw attribution runs, one JSON per model and run (default lab/ablate/raw)',
    '  --run LIST          first compute these runs for the lab models whose weights are at hand and that',
    '                      have no raw file yet: gxi (gives gxi, gxi-abs-token, grad-norm), ig<m> (integrated',
    '                      gradients from zero, m steps), ig<m>-mean (from the mean token embedding row) and',
    '                      sg<n>[-<sigma>] (SmoothGrad of gxi, n samples of noise sigma x rms(E), default',
    '                      sigma 0.1); a -expected suffix takes gradients of the expected log-prob instead',
    '                      of v1\'s target',
    '  --only LIST         with --run: only lab ids containing one of these substrings',
    '  --selection LIST    families the choice is made on (default SmolLM2,Gemma-3); the rest confirm',
    '  --out DIR           results (default lab/ablate): ablate.json, ablate.md, ablate.svg',
    '  --threads N         onnxruntime threads for --run',
  ].join('\n'),
  async run(args) {
    const labPath = flag(args, '--lab') ?? 'lab/lab.json';
    const lab = readLab(labPath) as unknown as (LabModel & { path?: string })[];
    const rawDir = flag(args, '--raw') ?? 'lab/ablate/raw';
    const outDir = flag(args, '--out') ?? 'lab/ablate';
    const threads = embedOptionsFromArgs(args).threads;
    const runs = (flag(args, '--run') ?? '').split(',').filter(Boolean).map(parseRun);
    const only = (flag(args, '--only') ?? '').split(',').filter(Boolean);
    for (const run of runs) {
      const dir = join(rawDir, runName(run));
      mkdirSync(dir, { recursive: true });
      const todo = lab.filter((m) => m.path && existsSync(m.path) && (!only.length || only.some((o) => m.id.includes(o))) && !existsSync(join(dir, `${keyOf(m.id)}.json`)));
      console.log(`lab ablate: run ${runName(run)}: ${todo.length} model(s) to compute`);
      for (const m of todo) {
        const f = await rawRun({ id: m.id, path: m.path! }, run, threads);
        await replaceFiles([{ path: join(dir, `${keyOf(m.id)}.json`), data: `${JSON.stringify(f)}\n` }]);
        console.log(`lab ablate: ${runName(run)} ${m.id}: ${f.seconds.toFixed(1)} s`);
      }
    }

    const embDir = flag(args, '--embeddings') ?? 'lab/embeddings-v1';
    const { sources, logProbs } = await loadSources(embDir, rawDir);
    const behaviourPath = flag(args, '--behaviour') ?? 'lab/behaviour.json';
    const behaviour = existsSync(behaviourPath) ? (JSON.parse(readFileSync(behaviourPath, 'utf8')) as { groups: Record<string, KlGroup> }) : null;
    const klGroups = behaviour ? Object.values(behaviour.groups) : [];
    const baselines: { name: string; similarity: Similarity }[] = [{ name: 'output-logprob (-L2)', similarity: logProbBaseline(logProbs) }];
    if (behaviour) {
      const t = behaviourTables(behaviour);
      baselines.push({ name: 'output-kl', similarity: tableSimilarity(t['output-kl']) }, { name: 'output-topk', similarity: tableSimilarity(t['output-topk']) });
    }
    // the raw path must reproduce v1: raw gxi under v1's aggregation against the stored v1 vectors
    const storedSrc = sources.find((x) => x.stored);
    const rawGxi = sources.find((x) => x.name === 'gxi');
    let rawVsStored: { models: number; worstOneMinusCos: number } | null = null;
    if (storedSrc && rawGxi) {
      const both = [...rawGxi.blocks.keys()].filter((id) => storedSrc.blocks.has(id));
      const gaps = both.map((id) => {
        const a = aggregate(rawGxi.blocks.get(id)!, V1_AGGREGATION);
        const b = aggregate(storedSrc.blocks.get(id)!, V1_AGGREGATION);
        return 1 - a.reduce((t, x, i) => t + x * b[i], 0);
      });
      rawVsStored = { models: both.length, worstOneMinusCos: Math.max(...gaps) };
      console.log(`lab ablate: raw gxi vs stored v1 on ${both.length} models: worst 1 - cos ${rawVsStored.worstOneMinusCos.toExponential(2)}`);
    }
    const selection = (flag(args, '--selection') ?? 'SmolLM2,Gemma-3').split(',');
    const heldOut = [...new Set(lab.map((m) => m.family))].filter((f) => !selection.includes(f));
    const t0 = performance.now();
    const scores: VariantScore[] = runAblation({
      models: lab,
      sources,
      aggregations: aggregationGrid(),
      centrings: ['none', 'bases'] as Centring[],
      klGroups,
      selectionFamilies: selection,
      baselines,
    });
    // behaviour's own ordering share is the most M1's ordering can ask for (docs/method.md, amendments)
    const kl = scores.find((v) => v.name === 'output-kl');
    const orderCeiling = (kl && summarize(kl, lab, selection).quantOrder) ?? 1;
    console.log(`lab ablate: behaviour (output-kl) orders ${orderCeiling.toFixed(2)} of the re-quantization pairs; M1 ordering counts up to that`);
    const ranked = rankVariants(scores, lab, selection, orderCeiling);
    const result = {
      format: 'able-lab-ablation/1',
      inputs: { lab: labPath, embeddings: embDir, raw: rawDir, behaviour: behaviour ? behaviourPath : null },
      orderCeiling,
      selectionFamilies: selection,
      heldOutFamilies: heldOut,
      seconds: (performance.now() - t0) / 1000,
      rawVsStored,
      ranking: ranked.map((r) => ({ name: r.variant.name, selection: r.summary, heldOut: rankVariants([r.variant], lab, heldOut)[0].summary })),
      variants: scores,
    };
    mkdirSync(outDir, { recursive: true });
    await replaceFiles([
      { path: join(outDir, 'ablate.json'), data: `${JSON.stringify(result, null, 1)}\n` },
      { path: join(outDir, 'ablate.md'), data: ablationMarkdown(result.ranking, scores, lab, selection, heldOut) },
      { path: join(outDir, 'ablate.svg'), data: ablationSvg(result.ranking) },
    ]);
    console.log(`lab ablate: ${scores.length} variants scored on ${sources.length} source(s); wrote ${outDir}/ablate.{json,md,svg}`);
    return 0;
  },
});

commands.push({
  name: 'lab convergence',
  summary: 'how many probes the map needs: neighbour rankings from random probe subsets vs all probes',
  help: [
    'Usage: able lab convergence [--embeddings lab/embeddings-v1] [--raw lab/ablate/raw] [--aggregations v1,NAME]',
    '                            [--repeats 20] [--out lab/ablate]',
    '',
    '  Sources: the stored v1 lab embeddings and every raw quantity (see able lab ablate). Writes',
    '  convergence.json and convergence.svg; the n at which the mean Kendall tau-b reaches 0.9 is reported.',
    '  --aggregations LIST  aggregation names as in ablate.md (sign/transform/norm/weight), default v1',
    '  --sources LIST       source names (default gxi-v1-stored)',
  ].join('\n'),
  async run(args) {
    const rawDir = flag(args, '--raw') ?? 'lab/ablate/raw';
    const outDir = flag(args, '--out') ?? 'lab/ablate';
    const repeats = Number(flag(args, '--repeats') ?? 20);
    if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a positive integer, got "${flag(args, '--repeats')}"`);
    const { sources } = await loadSources(flag(args, '--embeddings') ?? 'lab/embeddings-v1', rawDir);
    const wantSources = (flag(args, '--sources') ?? 'gxi-v1-stored').split(',');
    const aggs = aggregationsArg(args);
    const nProbes = PROBE_SET_V1.probes.length;
    const sizes = [5, 10, 20, 40, 80, 120, nProbes];
    const series = [];
    for (const name of wantSources) {
      const src = sources.find((s) => s.name === name);
      if (!src) throw new Error(`--sources: no source "${name}" (have ${sources.map((s) => s.name).join(', ')})`);
      for (const a of aggs) {
        const points = convergence(src.blocks, a, sizes, repeats);
        const stable = points.find((p) => p.tau >= 0.9)?.n ?? null;
        series.push({ name: `${name} ${aggregationName(a)}`, models: src.blocks.size, stableAtTau09: stable, points });
        console.log(`lab convergence: ${name} ${aggregationName(a)}: tau >= 0.9 from n = ${stable ?? `> ${nProbes}`}`);
      }
    }
    mkdirSync(outDir, { recursive: true });
    await replaceFiles([
      { path: join(outDir, 'convergence.json'), data: `${JSON.stringify({ format: 'able-lab-convergence/1', repeats, sizes, series }, null, 1)}\n` },
      { path: join(outDir, 'convergence.svg'), data: convergenceSvg('Neighbour rankings from n probes vs all 161', series) },
    ]);
    return 0;
  },
});

/** --aggregations v1,NAME,...: names as ablate.md writes them (sign/transform/norm/weight). */
function aggregationsArg(args: string[]) {
  const grid = aggregationGrid();
  return (flag(args, '--aggregations') ?? 'v1').split(',').map((n) => {
    const a = n === 'v1' ? V1_AGGREGATION : grid.find((g) => aggregationName(g) === n);
    if (!a) throw new Error(`--aggregations: unknown "${n}" (e.g. ${aggregationName(grid[1])})`);
    return a;
  });
}

const STABILITY_EPS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

commands.push({
  name: 'lab stability',
  summary: 'embedding change against Gaussian weight noise of relative size eps, with the log-log slope',
  help: [
    'Usage: able lab stability [--only SUBSTR,...] [--eps LIST] [--seeds 3] [--aggregations v1,NAME] [--threads N]',
    '',
    `  Perturbs every weight tensor of each real base of the lab (noise RMS = eps x tensor RMS, eps in`,
    `  ${STABILITY_EPS.join(', ')} by default; seeds 1..n), embeds it (resumable: one raw file per run under`,
    '  OUT/stability/<base>/), and plots ||v_eps - v_0|| against eps on log-log axes with the fitted slope,',
    "  beside the lab's real relations (re-quantizations at their relative RMS weight change, merges at",
    '  their relative distance from the base). Writes OUT/stability.json and OUT/stability.svg.',
    '  --out DIR  (default lab/ablate)   --raw DIR  unperturbed runs (default lab/ablate/raw)',
  ].join('\n'),
  async run(args) {
    const lab = readLab(flag(args, '--lab') ?? 'lab/lab.json') as unknown as (LabModel & { path?: string; metrics?: Record<string, unknown> })[];
    const outDir = flag(args, '--out') ?? 'lab/ablate';
    const rawDir = flag(args, '--raw') ?? 'lab/ablate/raw';
    const threads = embedOptionsFromArgs(args).threads;
    const only = (flag(args, '--only') ?? '').split(',').filter(Boolean);
    const eps = flag(args, '--eps') ? flag(args, '--eps')!.split(',').map(Number) : STABILITY_EPS;
    if (eps.some((e) => !(e > 0 && e < 1))) throw new Error(`--eps: every value must be in (0, 1), got ${flag(args, '--eps')}`);
    const nSeeds = Number(flag(args, '--seeds') ?? 3);
    if (!Number.isInteger(nSeeds) || nSeeds < 1) throw new Error(`--seeds must be a positive integer, got "${flag(args, '--seeds')}"`);
    const aggs = aggregationsArg(args);
    const blocks = probeBlocks(PROBE_SET_V1);
    // --only picks the bases to compute; the plot also keeps every other base whose runs are all there
    const runPath = (base: string, e: number, seed: number) => join(outDir, 'stability', keyOf(base), `eps${e}-seed${seed}.json`);
    const complete = (base: string) =>
      existsSync(join(rawDir, 'gxi', `${keyOf(base)}.json`)) && eps.every((e) => Array.from({ length: nSeeds }, (_, i) => runPath(base, e, i + 1)).every((p) => existsSync(p)));
    const wanted = (id: string) => (!only.length || only.some((o) => id.includes(o))) && existsSync(lab.find((m) => m.id === id)!.path ?? '');
    const bases = realBases(lab).filter((id) => wanted(id) || complete(id));
    if (!bases.length) throw new Error('no real base of the lab has its weights at hand or complete stability runs (see --only and the lab list paths)');
    const results = [];
    for (const base of bases) {
      const m = lab.find((x) => x.id === base)!;
      const raw0Path = join(rawDir, 'gxi', `${keyOf(base)}.json`);
      if (!existsSync(raw0Path)) {
        mkdirSync(join(rawDir, 'gxi'), { recursive: true });
        await replaceFiles([{ path: raw0Path, data: `${JSON.stringify(await rawRun({ id: base, path: m.path! }, { kind: 'gxi' }, threads))}\n` }]);
      }
      const dir = join(outDir, 'stability', keyOf(base));
      mkdirSync(dir, { recursive: true });
      const runs: { eps: number; seed: number; file: RawFile }[] = [];
      for (const e of eps)
        for (let seed = 1; seed <= nSeeds; seed++) {
          const p = runPath(base, e, seed);
          if (!existsSync(p)) {
            const f = await rawRun({ id: base, path: m.path! }, { kind: 'gxi' }, threads, (s) => perturbStore(s, e, seed));
            await replaceFiles([{ path: p, data: `${JSON.stringify(f)}\n` }]);
            console.log(`lab stability: ${base} eps ${e} seed ${seed}: ${f.seconds.toFixed(1)} s`);
          }
          runs.push({ eps: e, seed, file: readJsonFile(p, 'stability run') as RawFile });
        }
      const raw0 = readJsonFile(raw0Path, 'raw attribution file') as RawFile;
      for (const a of aggs) {
        const vec = (f: RawFile) => aggregate(splitBlocks(f.words.gxi, blocks), a);
        const v0 = vec(raw0);
        const points = runs.map((r) => ({ eps: r.eps, seed: r.seed, distance: embeddingDistance(vec(r.file), v0) }));
        const relations = lab.flatMap((x) => {
          const edge = x.lineage.find((l) => l.parent === base && (l.type === 'quantization' || l.type === 'merge'));
          const rel = (x.metrics?.relRms ?? x.metrics?.relDistFromBase) as number | undefined;
          const p = join(rawDir, 'gxi', `${keyOf(x.id)}.json`);
          if (!edge || rel === undefined || !existsSync(p)) return [];
          return [{ id: x.id, type: edge.type, relativeWeightChange: rel, distance: embeddingDistance(vec(readJsonFile(p, 'raw attribution file') as RawFile), v0) }];
        });
        results.push({ base, aggregation: aggregationName(a), fit: logLogFit(points), points, relations });
        console.log(`lab stability: ${base} ${aggregationName(a)}: slope ${logLogFit(points).slope.toFixed(3)}`);
      }
    }
    mkdirSync(outDir, { recursive: true });
    await replaceFiles([
      { path: join(outDir, 'stability.json'), data: `${JSON.stringify({ format: 'able-lab-stability/1', eps, seeds: nSeeds, results }, null, 1)}\n` },
      { path: join(outDir, 'stability.svg'), data: stabilitySvg(results) },
    ]);
    return 0;
  },
});

commands.push({
  name: 'lab shipped',
  summary: "M1 and M3 of the shipped atlas, from its files alone (the chosen method as users get it)",
  help: [
    'Usage: able lab shipped [--atlas public/atlas] [--out lab/ablate/shipped.json]',
    '',
    '  Per real base (a lab model re-quantized from a hub id): cosine to its Q8_0, Q5_1, Q5_0, Q4_0 and the',
    '  share of its fine-tunes and merges nearer to it than its Q4_0; per family, the lineage ROC-AUC (M3).',
    '  The vectors are the atlas\'s float16 rows, as the explorer reads them.',
  ].join('\n'),
  async run(args) {
    const dir = flag(args, '--atlas') ?? 'public/atlas';
    const out = flag(args, '--out') ?? 'lab/ablate/shipped.json';
    const atlas = readAtlas(readJsonFile(join(dir, 'atlas.json'), 'atlas'), readFileSync(join(dir, EMBEDDINGS_FILE)));
    const embedded = atlas.json.models.filter((m) => m.row !== null);
    const vectors = new Map(embedded.map((m) => [m.id, atlas.vector(m.row!)]));
    const models: LabModel[] = embedded.map((m) => ({ id: m.id, family: m.family ?? '', lineage: m.lineage }));
    const sim = similarityOf(vectors);
    const bases = m1(models, sim);
    const families = m3(models, sim);
    const f = (x: number | undefined | null) => (x === undefined || x === null ? '–' : x.toFixed(3));
    console.log(`lab shipped: ${dir}, method v${atlas.json.spec?.methodVersion ?? '?'} (spec ${atlas.json.specHash?.slice(0, 12) ?? 'none'}), ${embedded.length} embedded models`);
    console.log('| base | Q8_0 | Q5_1 | Q5_0 | Q4_0 | fine-tunes and merges nearer than Q4_0 |');
    console.log('|---|---|---|---|---|---|');
    for (const b of bases)
      console.log(`| ${b.base} | ${f(b.quant.q8_0)} | ${f(b.quant.q5_1)} | ${f(b.quant.q5_0)} | ${f(b.quant.q4_0)} | ${b.derivedNearerThanQ4_0 === null ? '–' : `${Math.round(b.derivedNearerThanQ4_0 * Object.keys(b.derived).length)} of ${Object.keys(b.derived).length}`} |`);
    console.log(`M3 (lineage ROC-AUC): ${families.map((x) => `${x.family} ${f(x.auc)}`).join(', ')}`);
    // M3's sibling check: separately trained sizes of one family (a same-family edge) nearer each other than any other family
    const siblings = models.flatMap((m) =>
      m.lineage.filter((l) => l.type === 'same-family' && vectors.has(l.parent)).map((l) => ({ a: m.id, b: l.parent, ...siblingsNearest(models, sim, m.id, l.parent) })),
    );
    for (const x of siblings)
      console.log(`siblings ${x.a} / ${x.b}: cosine ${f(x.sibling)}, nearest other family ${f(x.nearestOther)}: ${x.nearer ? 'nearer each other' : 'NOT nearer each other'}`);
    await replaceFiles([{ path: out, data: `${JSON.stringify({ format: 'able-lab-shipped/1', atlas: dir, spec: atlas.json.spec, specHash: atlas.json.specHash, m1: bases, m3: families, siblings }, null, 1)}\n` }]);
    return 0;
  },
});
