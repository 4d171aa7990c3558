// embed-real: the whole `able embed` pipeline (tokenize, forward+backward, attribution, word
// alignment, aggregation) on the real SmolLM2-135M-Instruct Q4_1 GGUF, per probe, with the
// vocabulary head computed at all T positions (full logits) vs only at the target positions
// (createAttributionSession's maxTargets, what `able embed` uses). Skipped without the file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributionSession, bucketFor, embedModel } from '../src/able/embed.ts';
import { openModel } from '../src/able/open-model.ts';
import { PROBE_SET_V1, type ProbeSet } from '../src/able/probes/index.ts';
import { NodeFileSource } from '../src/cli/node-source.ts';
import { nodeRuntime } from '../src/engine/runtime-node.ts';
import { createAttributionSession } from '../src/models/index.ts';
import { type Benchmark, measure, row } from './lib/measure.ts';

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

    const variant = async (useMaxTargets: boolean) => {
      let session: AttributionSession | null = null;
      let createMs = 0;
      let K = 0;
      const embed = () =>
        embedModel({
          modelName: 'bench',
          tokenizer: opened.tokenizer,
          hiddenSize: opened.spec.hidden,
          probes,
          method: { kind: 'gxi' },
          // One session for every repetition (the warm-up creates it): per-probe time, not load time.
          sessions: async (T, B, maxTargets) => {
            if (!session) {
              K = maxTargets;
              const s = await createAttributionSession(nodeRuntime, opened.model, { T, B, maxTargets: useMaxTargets ? maxTargets : undefined });
              createMs = s.createMs;
              session = { ...s, release: async () => {} };
            }
            return session;
          },
        });
      let vector: Float32Array | null = null;
      const timing = await measure(async () => {
        vector = (await embed()).vector;
      }, ctx.reps);
      const s = session as AttributionSession | null;
      await s?.release();
      const perProbe = { ...timing, samples: timing.samples.map((x) => x / n), median: timing.median / n, min: timing.min / n };
      return { perProbe, createMs, K, vector: vector! };
    };
    const full = await variant(false);
    const sel = await variant(true);
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < full.vector.length; i++) {
      dot += full.vector[i] * sel.vector[i];
      na += full.vector[i] ** 2;
      nb += sel.vector[i] ** 2;
    }
    const oneMinusCos = 1 - dot / Math.sqrt(na * nb);
    if (!(oneMinusCos < 1e-4)) throw new Error(`the two heads give different embeddings (1-cos ${oneMinusCos})`);
    ctx.log(
      `  ${n} probes at T=${T} (<= ${sel.K} targets): full head ${full.perProbe.median.toFixed(0)} ms/probe, ` +
        `maxTargets ${sel.perProbe.median.toFixed(0)} ms/probe; 1-cos ${oneMinusCos.toExponential(1)}`,
    );
    return {
      rows: [
        row(
          'embed-real',
          `${n} probes, T=${T}, gxi, per probe`,
          [`maxTargets=${sel.K} head`, sel.perProbe],
          ['full-logits head', full.perProbe],
          `session create ${full.createMs.toFixed(0)} vs ${sel.createMs.toFixed(0)} ms; vectors 1-cos ${oneMinusCos.toExponential(1)}`,
        ),
      ],
    };
  },
};
