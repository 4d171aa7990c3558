// symbolic-vs-static: what a symbolic sequence length costs at load time. The same
// forward+backward graph (rotary tables and causal mask fed as inputs in both) with the length
// dim symbolic ('T') vs fixed; onnxruntime-node session creation time. FINDINGS.md measured ORT's
// allocation planner dominating creation when T is symbolic (~3x), hence static length buckets.
import { nodeRuntime } from '../src/engine/runtime-node.ts';
import { type Benchmark, measure, row } from './lib/measure.ts';
import { buildShapeGraph, SMOLLM2, type ShapeGraph } from './lib/smollm2-shape.ts';

async function createTimes(g: ShapeGraph, reps: number, T: number) {
  let logprob = Number.NaN;
  const timing = await measure(async () => {
    const s = await nodeRuntime.createSession(g.model);
    // Run the last session once: the two graphs must compute the same thing.
    if (Number.isNaN(logprob)) logprob = (await s.run(g.feeds(T))).logprob.data[0] as number;
    await s.release();
  }, reps);
  return { timing, logprob };
}

export const symbolicVsStatic: Benchmark = {
  name: 'symbolic-vs-static',
  summary: 'onnxruntime-node session creation: symbolic T vs static T, same fwd+bwd graph',
  async run(ctx) {
    const layers = ctx.quick ? 8 : SMOLLM2.layers;
    const T = 64;
    const sym = buildShapeGraph({ layers, T: 'T', backward: true });
    const stat = buildShapeGraph({ layers, T, backward: true, tablesAsInputs: true });
    const s = await createTimes(sym, ctx.reps, T);
    const t = await createTimes(stat, ctx.reps, T);
    const rel = Math.abs(s.logprob - t.logprob) / Math.abs(t.logprob);
    if (!(rel < 1e-4)) throw new Error(`symbolic and static graphs disagree: logprob ${s.logprob} vs ${t.logprob}`);
    ctx.log(`  symbolic ${s.timing.median.toFixed(0)} ms, static ${t.timing.median.toFixed(0)} ms (${sym.nodeCount} vs ${stat.nodeCount} nodes)`);
    return {
      rows: [
        row(
          'symbolic-vs-static',
          `${layers} layers fwd+bwd, session create`,
          ['symbolic T', s.timing],
          [`static T=${T}`, t.timing],
          `nodes ${sym.nodeCount} vs ${stat.nodeCount}; graph build ${sym.buildMs.toFixed(0)} vs ${stat.buildMs.toFixed(0)} ms`,
        ),
      ],
    };
  },
};
