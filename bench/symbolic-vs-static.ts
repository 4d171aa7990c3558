// symbolic-vs-static: what a symbolic sequence length costs at load time. The same
// forward+backward graph (rotary tables and causal mask fed as inputs in both) with the length
// dim symbolic ('T') vs fixed; onnxruntime-node session creation time. FINDINGS.md measured ORT's
// allocation planner dominating creation when T is symbolic (~3x), hence static length buckets.
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { type Benchmark, measurePair, row } from './lib/measure.ts';
import { buildShapeGraph, SMOLLM2, type ShapeGraph } from './lib/smollm2-shape.ts';

/** Creates and releases a session; runs the first one once (the two graphs must agree). */
function creator(g: ShapeGraph, T: number) {
  const state = { logprob: Number.NaN };
  const create = async () => {
    const s = await nodeRuntime.createSession(g.model);
    if (Number.isNaN(state.logprob)) state.logprob = (await s.run(g.feeds(T))).f.data[0] as number;
    await s.release();
  };
  return { create, state };
}

export const symbolicVsStatic: Benchmark = {
  name: 'symbolic-vs-static',
  summary: 'onnxruntime-node session creation: symbolic T vs static T, same fwd+bwd graph',
  async run(ctx) {
    const layers = ctx.quick ? 8 : SMOLLM2.layers;
    const T = 64;
    const sym = buildShapeGraph({ layers, T: 'T', backward: true });
    const stat = buildShapeGraph({ layers, T, backward: true, tablesAsInputs: true });
    const s = creator(sym, T);
    const t = creator(stat, T);
    // Each symbolic creation takes seconds: fewer repetitions here keep the default run short.
    const [ts, tt] = await measurePair(s.create, t.create, Math.min(ctx.reps, 3));
    const [ls, lt] = [s.state.logprob, t.state.logprob];
    if (!(Math.abs(ls - lt) <= 1e-4 * Math.abs(lt))) throw new Error(`symbolic and static graphs disagree: logprob ${ls} vs ${lt}`);
    ctx.log(`  symbolic ${ts.median.toFixed(0)} ms, static ${tt.median.toFixed(0)} ms (${sym.nodeCount} vs ${stat.nodeCount} nodes)`);
    return {
      rows: [
        row(
          'symbolic-vs-static',
          `${layers} layers fwd+bwd, session create`,
          ['symbolic T', ts],
          [`static T=${T}`, tt],
          `nodes ${sym.nodeCount} vs ${stat.nodeCount}; graph build ${sym.buildMs.toFixed(0)} vs ${stat.buildMs.toFixed(0)} ms`,
        ),
      ],
    };
  },
};
