// engine-grad-overhead: what the backward pass costs. The SmolLM2-135M-shape graph forward-only
// vs forward + backward to the input embeddings, same weights, same T, onnxruntime-node.
// Reverse mode should cost a small multiple of the forward pass (classically ~2-3x).
import { nodeRuntime } from '../src/engine/runtime-node.ts';
import { type Benchmark, type BenchRow, measure, row } from './lib/measure.ts';
import { buildShapeGraph, SMOLLM2 } from './lib/smollm2-shape.ts';

async function timeGraph(layers: number, T: number, backward: boolean, reps: number) {
  const built = buildShapeGraph({ layers, T, backward });
  const session = await nodeRuntime.createSession(built.model);
  const feeds = built.feeds(T);
  try {
    const timing = await measure(() => session.run(feeds), reps);
    return { timing, nodes: built.nodeCount, createMs: session.createMs };
  } finally {
    await session.release();
  }
}

export const engineGradOverhead: Benchmark = {
  name: 'engine-grad-overhead',
  summary: 'SmolLM2-135M shape on onnxruntime-node: forward+backward vs forward-only',
  async run(ctx) {
    const layers = ctx.quick ? 8 : SMOLLM2.layers;
    const rows: BenchRow[] = [];
    for (const T of ctx.quick ? [32] : [32, 64]) {
      const fwd = await timeGraph(layers, T, false, ctx.reps);
      const both = await timeGraph(layers, T, true, ctx.reps);
      ctx.log(
        `  T=${T}: fwd ${fwd.timing.median.toFixed(0)} ms (${fwd.nodes} nodes), fwd+bwd ${both.timing.median.toFixed(0)} ms (${both.nodes} nodes)`,
      );
      rows.push(
        row('engine-grad-overhead', `${layers} layers, T=${T}`, ['fwd+bwd', both.timing], ['fwd', fwd.timing], `nodes ${both.nodes} vs ${fwd.nodes}`),
      );
    }
    return { rows };
  },
};
