// embed-real: the whole `able embed` pipeline (tokenize, forward+backward, attribution, word
// alignment, aggregation) on the real SmolLM2-135M-Instruct Q4_1 GGUF, per probe, with the
// vocabulary head computed at all T positions (full logits) vs only at the target positions
// (createAttributionSession's maxTargets, what `able embed` uses). Skipped without the file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributionSession, bucketFor, embedModel } from '../src/able/embed.ts';
import { openModel } from '../src/able/open-model.ts';
import { PROBE_SET_V1, type ProbeSet } from '../src/able/probes/index.ts';
import { NodeFileSource } from '../src/platform/node/node-source.ts';
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { createAttributionSession } from '../src/models/index.ts';
import { type Benchmark, measurePair, row, type Timing } from './lib/measure.ts';

const FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';

export function findModel(): string | null {
  const dirs = [process.env.ABLE_MODELS_DIR, '/tmp/models'].filter((d): d is string => !!d);
  for (const d of dirs) if (existsSync(join(d, FILE))) return join(d, FILE);
  return null;
}

export const embedReal: Benchmark = {
  name: 'embed-real',
  summary: 'able embed per probe on SmolLM2-135M Q4_1: full-logits head vs maxTargets head',
  async run(ctx) {
    const path = findModel();
    if (!path) return { rows: [], skipped: `${FILE} not found in $ABLE_MODELS_DIR or /tmp/models` };
    const opened = await openModel([await NodeFileSource.open(path)]);
    // Probes of one length bucket, so each variant needs exactly one session.
    const byBucket = new Map<number, ProbeSet['probes']>();
    for (const p of PROBE_SET_V1.probes) {
      const T = bucketFor(opened.tokenizer.encode(p.context + p.target).ids.length);
      byBucket.set(T, [...(byBucket.get(T) ?? []), p]);
    }
    const [T, all] = [...byBucket].sort((a, b) => b[1].length - a[1].length)[0];
    const probes: ProbeSet = { ...PROBE_SET_V1, probes: all.slice(0, ctx.quick ? 4 : 16) };
    const n = probes.probes.length;

    // One session per variant, created by the warm-up and reused by every repetition (per-probe
    // time, not load time); the two variants are timed in alternation.
    const variant = (useMaxTargets: boolean) => {
      const v = { session: null as AttributionSession | null, release: async () => {}, createMs: 0, nodes: 0, K: 0, vector: new Float32Array(0) as Float32Array };
      const embed = async () => {
        const res = await embedModel({
          modelName: 'bench',
          tokenizer: opened.tokenizer,
          hiddenSize: opened.spec.hidden,
          probes,
          method: { kind: 'gxi' },
          sessions: async (shape) => {
            if (!v.session) {
              v.K = shape.maxTargets;
              const s = await createAttributionSession(nodeRuntime, opened.model, { ...shape, maxTargets: useMaxTargets ? shape.maxTargets : undefined });
              v.createMs = s.createMs;
              v.nodes = s.nodeCount;
              v.release = () => s.release();
              // embedModel releases each session after its bucket; keep it for the next repetition.
              v.session = { ...s, release: async () => {} };
            }
            return v.session;
          },
        });
        v.vector = res.vector;
      };
      return { v, embed };
    };
    const full = variant(false);
    const sel = variant(true);
    let timings: [Timing, Timing];
    try {
      // Each round embeds every probe twice: 3 rounds keep the default run within its budget.
      timings = await measurePair(sel.embed, full.embed, Math.min(ctx.reps, 3));
    } finally {
      for (const x of [full, sel]) await x.v.release();
    }
    const perProbe = (t: Timing): Timing => ({ samples: t.samples.map((x) => x / n), median: t.median / n, min: t.min / n });
    const [selMs, fullMs] = timings.map(perProbe);
    // Same embedding from both heads, or the timing compares different work.
    let diff = 0;
    let norm = 0;
    const [a, b] = [full.v.vector, sel.v.vector];
    for (let i = 0; i < a.length; i++) {
      diff += (a[i] - b[i]) ** 2;
      norm += a[i] ** 2;
    }
    const relDiff = Math.sqrt(diff / norm);
    if (!(relDiff < 1e-3)) throw new Error(`the two heads give different embeddings (relative L2 difference ${relDiff})`);
    ctx.log(
      `  ${n} probes at T=${T} (<= ${sel.v.K} targets): full head ${fullMs.median.toFixed(0)} ms/probe, ` +
        `maxTargets ${selMs.median.toFixed(0)} ms/probe; vectors differ by ${relDiff.toExponential(1)} (relative L2)`,
    );
    return {
      rows: [
        row(
          'embed-real',
          `${n} probes, T=${T}, gxi, per probe`,
          [`maxTargets=${sel.v.K} head`, selMs],
          ['full-logits head', fullMs],
          `nodes ${sel.v.nodes} vs ${full.v.nodes}; session create ${sel.v.createMs.toFixed(0)} vs ${full.v.createMs.toFixed(0)} ms; vectors vectors differ by ${relDiff.toExponential(1)} (relative L2)`,
        ),
      ],
    };
  },
};
