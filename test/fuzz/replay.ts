// Prints the input of one fuzz case (the index a hang or crash report gives) without running it,
// then runs it with a timer: `tsx test/fuzz/replay.ts "tokenizer.json" 20811 20261204`.
import fc from 'fast-check';
import { TARGETS } from './targets.ts';

const [name, index, seed] = process.argv.slice(2);
const t = TARGETS.find((x) => x.name === name);
if (!t) throw new Error(`no target ${name}; targets: ${TARGETS.map((x) => x.name).join(', ')}`);
let i = 0;
let found: unknown;
await fc.check(
  fc.asyncProperty(t.arbitrary, async (x) => {
    if (i++ === Number(index)) found = x;
    return true;
  }),
  { numRuns: Number(index) + 1, seed: Number(seed ?? 20261204) },
);
console.log(JSON.stringify(found, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)).slice(0, 4000));
const t0 = performance.now();
try {
  await t.run(found);
  console.log(`accepted in ${(performance.now() - t0).toFixed(0)} ms`);
} catch (e) {
  console.log(`refused in ${(performance.now() - t0).toFixed(0)} ms: ${(e as Error).name}: ${(e as Error).message.slice(0, 500)}`);
}
