// Standalone probe: the random-weight SmolLM2-135M-shape graph (bench/lib/smollm2-shape.ts),
// forward + backward to the input embeddings at a static T, on onnxruntime-node. Prints build,
// session-creation and run times and peak RSS (absolute times; `npm run bench` reports ratios).
// Usage: npx tsx bench/engine-smollm2-shape.ts [T=64] [runs=3] [layers=30]
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { peakRssMiB } from './lib/measure.ts';
import { buildShapeGraph, randomWeights, SMOLLM2, weightBytes } from './lib/smollm2-shape.ts';

const T = Number(process.argv[2] ?? 64);
const runs = Number(process.argv[3] ?? 3);
const layers = Number(process.argv[4] ?? SMOLLM2.layers);
const mib = (b: number) => (b / 2 ** 20).toFixed(0);

const built = buildShapeGraph({ layers, T, backward: true });
const { model } = built;
console.log(
  `graph: ${model.nodeCount} ONNX nodes, model proto ${mib(model.bytes.byteLength)} MiB, ` +
    `external weights ${mib(model.externalData.reduce((a, e) => a + e.data.byteLength, 0))} MiB; build ${built.buildMs.toFixed(0)} ms`,
);
const session = await nodeRuntime.createSession(model);
console.log(`session: provider ${session.provider}, threads ${session.threads ?? 'ORT default'}, creation ${session.createMs.toFixed(0)} ms`);
const feeds = built.feeds(T);
for (let r = 0; r < runs; r++) {
  const s = performance.now();
  const out = await session.run(feeds);
  const gd = out.grad.data as Float32Array;
  let norm = 0;
  for (const v of gd) norm += v * v;
  console.log(
    `run ${r + 1} (T=${T}, fwd+bwd): ${(performance.now() - s).toFixed(0)} ms; logprob ${(out.f.data as Float32Array)[0].toFixed(3)}, |grad| ${Math.sqrt(norm).toExponential(3)}`,
  );
}
console.log(`peak RSS ${peakRssMiB()} MiB (weights in JS: ${mib(weightBytes(randomWeights(layers)))} MiB)`);
await session.release();
