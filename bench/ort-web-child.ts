// Child process of ort-web-vs-node: onnxruntime-web fixes its WASM thread count when it first
// initializes, so each thread count gets a fresh process. Times the same graph on
// onnxruntime-node (same thread count) and onnxruntime-web/wasm here, prints one JSON line.
// Usage: node --import tsx bench/ort-web-child.ts <threads> <layers> <T> <reps>
import { nodeRuntime } from '../src/platform/node/runtime-node.ts';
import { ortWeb, webRuntime } from '../src/platform/web/runtime-web.ts';
import { measurePair, peakRssMiB } from './lib/measure.ts';
import { buildShapeGraph } from './lib/smollm2-shape.ts';

const [threads, layers, T, reps] = process.argv.slice(2).map(Number);
ortWeb.env.wasm.numThreads = threads;
const built = buildShapeGraph({ layers, T, backward: true });
const feeds = built.feeds(T);

// Both sessions stay loaded and are timed in alternation (see measurePair).
const nodeSession = await nodeRuntime.createSession(built.model, { threads });
const webSession = await webRuntime(['wasm']).createSession(built.model);
const grads: Record<string, Float32Array> = {};
const [webTiming, nodeTiming] = await measurePair(
  async () => {
    grads.web = (await webSession.run(feeds)).grad.data as Float32Array;
  },
  async () => {
    grads.node = (await nodeSession.run(feeds)).grad.data as Float32Array;
  },
  reps,
);
await nodeSession.release();
await webSession.release();
const node = { timing: nodeTiming, createMs: nodeSession.createMs, grad: grads.node };
const web = { timing: webTiming, createMs: webSession.createMs, grad: grads.web, provider: webSession.provider };
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
