import { openModel } from '../src/able/open-model.ts';
import { PROBE_SET_V1 } from '../src/able/probes/index.ts';
import { NodeFileSource } from '../src/cli/node-source.ts';
import { WeightFile } from '../src/cli/weight-file.ts';
import { nodeRuntime } from '../src/engine/runtime-node.ts';
import { createAttributionSession } from '../src/models/index.ts';
import { bucketFor } from '../src/able/embed.ts';
const path = process.argv[2];
const T = Number(process.argv[3] ?? 16);
const wf = WeightFile.create();
const opened = await openModel([await NodeFileSource.open(path)], { wrapStore: (s) => wf.wrap(s) });
const probes = PROBE_SET_V1.probes.map((p) => opened.tokenizer.encode(p.context + p.target).ids).filter((ids) => bucketFor(ids.length) === T).slice(0, 12);
const a = await createAttributionSession(nodeRuntime, opened.model, { T, B: 1, maxTargets: 4, prepack: false });
const b = await createAttributionSession(nodeRuntime, opened.model, { T, B: 1, maxTargets: 4, prepack: true });
const ta: number[] = [], tb: number[] = [];
const run = async (s: typeof a, ids: number[]) => {
  const x = new Int32Array(T); x.set(ids); const m = new Float32Array(T); m[ids.length - 1] = 1;
  const t0 = performance.now(); await s.run(x, m, Float32Array.of(1)); return performance.now() - t0;
};
await run(a, probes[0]); await run(b, probes[0]);
for (let r = 0; r < 3; r++) for (const [i, ids] of probes.entries()) {
  if ((i + r) % 2) { ta.push(await run(a, ids)); tb.push(await run(b, ids)); } else { tb.push(await run(b, ids)); ta.push(await run(a, ids)); }
}
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(`T=${T} noprepack median ${med(ta).toFixed(0)} min ${Math.min(...ta).toFixed(0)} | prepack median ${med(tb).toFixed(0)} min ${Math.min(...tb).toFixed(0)} | ratio med ${(med(ta) / med(tb)).toFixed(2)} min ${(Math.min(...ta) / Math.min(...tb)).toFixed(2)}`);
wf.remove();
