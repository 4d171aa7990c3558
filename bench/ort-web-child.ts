// Child process of ort-web-vs-node: onnxruntime-web fixes its WASM thread count when it first
// initializes, so each thread count gets a fresh process. Times the same graph on
// onnxruntime-node (same thread count) and onnxruntime-web/wasm here, prints one JSON line.
// Usage: node --import tsx bench/ort-web-child.ts <threads> <layers> <T> <reps>
import { nodeRuntime } from '../src/engine/runtime-node.ts';
import { ortWeb, webRuntime } from '../src/engine/runtime-web.ts';
import { measure, peakRssMiB } from './lib/measure.ts';
import { buildShapeGraph } from './lib/smollm2-shape.ts';

const [threads, layers, T, reps] = process.argv.slice(2).map(Number);
ortWeb.env.wasm.numThreads = threads;
const built = buildShapeGraph({ layers, T, backward: true });
const feeds = built.feeds(T);

async function time(runtime: typeof nodeRuntime, opts: { threads?: number }) {
  const session = await runtime.createSession(built.model, opts);
  try {
    let grad: Float32Array | null = null;
    const timing = await measure(async () => {
      grad = (await session.run(feeds)).grad_embeds.data as Float32Array;
    }, reps);
    return { timing, provider: session.provider, createMs: session.createMs, grad: grad! };
  } finally {
    await session.release();
  }
}

const node = await time(nodeRuntime, { threads });
const web = await time(webRuntime(['wasm']), {});
// The two backends must agree, or the timing compares different work.
let num = 0;
let den = 0;
for (let i = 0; i < node.grad.length; i++) {
  num += (node.grad[i] - web.grad[i]) ** 2;
  den += node.grad[i] ** 2;
}
console.log(
  JSON.stringify({
    threads,
    nodes: built.nodeCount,
    node: node.timing,
    web: web.timing,
    webProvider: web.provider,
    createMs: { node: node.createMs, web: web.createMs },
    gradRelDiff: Math.sqrt(num / den),
    peakRssMiB: peakRssMiB(),
  }),
);
// onnxruntime-web's worker threads keep the event loop alive.
process.exit(0);
