// engine-grad-overhead: what the backward pass costs. The SmolLM2-135M-shape graph forward-only
// vs forward + backward to the input embeddings, same weights, same T, onnxruntime-node, the two
// sessions timed in alternation. Reverse mode should cost a small multiple of the forward pass
// (classically ~2-3x).
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { type Benchmark, type BenchRow, measurePair, row } from './lib/measure.ts';
import { buildShapeGraph, SMOLLM2 } from './lib/smollm2-shape.ts';

export const engineGradOverhead: Benchmark = {
  name: 'engine-grad-overhead',
  summary: 'SmolLM2-135M shape on onnxruntime-node: forward+backward vs forward-only',
  async run(ctx) {
    const layers = ctx.quick ? 8 : SMOLLM2.layers;
    const rows: BenchRow[] = [];
    for (const T of ctx.quick ? [32] : [32, 64]) {
      const fwdGraph = buildShapeGraph({ layers, T, backward: false });
      const bothGraph = buildShapeGraph({ layers, T, backward: true });
      const fwd = await nodeRuntime.createSession(fwdGraph.model);
      const both = await nodeRuntime.createSession(bothGraph.model);
      const feeds = fwdGraph.feeds(T);
      try {
        const [tb, tf] = await measurePair(
          () => both.run(feeds),
          () => fwd.run(feeds),
          ctx.reps,
        );
        ctx.log(
          `  T=${T}: fwd ${tf.median.toFixed(0)} ms (${fwdGraph.nodeCount} nodes), fwd+bwd ${tb.median.toFixed(0)} ms (${bothGraph.nodeCount} nodes)`,
        );
        rows.push(
          row('engine-grad-overhead', `${layers} layers, T=${T}`, ['fwd+bwd', tb], ['fwd', tf], `nodes ${bothGraph.nodeCount} vs ${fwdGraph.nodeCount}`),
        );
      } finally {
        await fwd.release();
        await both.release();
      }
    }
    return { rows };
  },
};
