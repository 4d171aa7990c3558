// Random-weight graph of SmolLM2-135M's shape (30 layers, d=576, 9 heads / 3 kv heads, SwiGLU
// 1536, vocab 49152, tied head): forward + backward to the input embeddings at a static T,
// on onnxruntime-node. Prints build, session-creation and run times and peak RSS.
// Usage: npx tsx bench/engine-smollm2-shape.ts [T=64] [runs=3]
import { type DecoderLayerWeights, decoderLayer } from '../src/engine/blocks.ts';
import { causalMask, linear, rmsNorm, ropeTables, targetLogProb } from '../src/engine/composites.ts';
import { grad } from '../src/engine/autodiff.ts';
import { toOnnx } from '../src/engine/onnx-writer.ts';
import { reduceSum } from '../src/engine/ops.ts';
import { nodeRuntime } from '../src/engine/runtime-node.ts';
import { Graph, type Tensor } from '../src/engine/tensor.ts';

const T = Number(process.argv[2] ?? 64);
const runs = Number(process.argv[3] ?? 3);
const cfg = { layers: 30, d: 576, heads: 9, kvHeads: 3, headDim: 64, inter: 1536, vocab: 49152 };
const mib = (b: number) => (b / 2 ** 20).toFixed(0);
const peakRss = () => process.resourceUsage().maxRSS * 1024;

// All weights live in one buffer (as a safetensors file would); the writer references it in place.
const shapes: [string, number[]][] = [['model.embed_tokens.weight', [cfg.vocab, cfg.d]]];
for (let l = 0; l < cfg.layers; l++) {
  const p = `model.layers.${l}`;
  const kv = cfg.kvHeads * cfg.headDim;
  shapes.push(
    [`${p}.input_layernorm.weight`, [cfg.d]],
    [`${p}.self_attn.q_proj.weight`, [cfg.d, cfg.d]],
    [`${p}.self_attn.k_proj.weight`, [kv, cfg.d]],
    [`${p}.self_attn.v_proj.weight`, [kv, cfg.d]],
    [`${p}.self_attn.o_proj.weight`, [cfg.d, cfg.d]],
    [`${p}.post_attention_layernorm.weight`, [cfg.d]],
    [`${p}.mlp.gate_proj.weight`, [cfg.inter, cfg.d]],
    [`${p}.mlp.up_proj.weight`, [cfg.inter, cfg.d]],
    [`${p}.mlp.down_proj.weight`, [cfg.d, cfg.inter]],
  );
}
shapes.push(['model.norm.weight', [cfg.d]]);
const total = shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
const all = new Float32Array(total);
let seed = 12345;
for (let i = 0; i < total; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  all[i] = (seed / 2 ** 32 - 0.5) * 0.08;
}

const t0 = performance.now();
const g = new Graph();
const w: Record<string, Tensor> = {};
let at = 0;
for (const [name, s] of shapes) {
  const n = s.reduce((x, y) => x * y, 1);
  const view = all.subarray(at, at + n);
  if (name.endsWith('layernorm.weight') || name === 'model.norm.weight') view.fill(1);
  w[name] = g.weight(name, 'float32', s, { bytes: new Uint8Array(all.buffer, at * 4, n * 4) });
  at += n;
}
const embeds = g.input('embeds', 'float32', [1, T, cfg.d]);
const targets = g.input('targets', 'int64', [1, T, 1]);
const rot = ropeTables(g, { T, rotaryDim: cfg.headDim, theta: 100000, dtype: 'float32' });
const mask = causalMask(g, T);
let h = embeds;
for (let l = 0; l < cfg.layers; l++) {
  const p = `model.layers.${l}`;
  const lw: DecoderLayerWeights = {
    inputNorm: w[`${p}.input_layernorm.weight`],
    q: w[`${p}.self_attn.q_proj.weight`],
    k: w[`${p}.self_attn.k_proj.weight`],
    v: w[`${p}.self_attn.v_proj.weight`],
    o: w[`${p}.self_attn.o_proj.weight`],
    postNorm: w[`${p}.post_attention_layernorm.weight`],
    gate: w[`${p}.mlp.gate_proj.weight`],
    up: w[`${p}.mlp.up_proj.weight`],
    down: w[`${p}.mlp.down_proj.weight`],
  };
  h = decoderLayer(h, lw, { heads: cfg.heads, kvHeads: cfg.kvHeads, headDim: cfg.headDim, eps: 1e-5 }, rot, mask);
}
const logits = linear(rmsNorm(h, w['model.norm.weight'], 1e-5), w['model.embed_tokens.weight']);
const f = reduceSum(targetLogProb(logits, targets), [0, 1, 2], false);
g.output('logprob', f);
g.output('grad_embeds', grad(f, [embeds])[0]);
const model = toOnnx(g, 'smollm2-shape');
const buildMs = performance.now() - t0;
console.log(
  `graph: ${model.nodeCount} ONNX nodes, model proto ${mib(model.bytes.byteLength)} MiB, ` +
    `external weights ${mib(model.externalData.reduce((a, e) => a + e.data.byteLength, 0))} MiB; build ${buildMs.toFixed(0)} ms`,
);

const session = await nodeRuntime.createSession(model);
console.log(`session: provider ${session.provider}, threads ${session.threads ?? 'ORT default'}, creation ${session.createMs.toFixed(0)} ms`);
const feeds = {
  embeds: { dtype: 'float32' as const, dims: [1, T, cfg.d], data: Float32Array.from({ length: T * cfg.d }, (_, i) => Math.sin(i) * 0.05) },
  targets: { dtype: 'int64' as const, dims: [1, T, 1], data: BigInt64Array.from({ length: T }, (_, i) => BigInt((i * 7919) % cfg.vocab)) },
};
for (let r = 0; r < runs; r++) {
  const s = performance.now();
  const out = await session.run(feeds);
  const gd = out.grad_embeds.data as Float32Array;
  let norm = 0;
  for (const v of gd) norm += v * v;
  console.log(
    `run ${r + 1} (T=${T}, fwd+bwd): ${(performance.now() - s).toFixed(0)} ms; logprob ${(out.logprob.data as Float32Array)[0].toFixed(3)}, |grad| ${Math.sqrt(norm).toExponential(3)}`,
  );
}
console.log(`peak RSS ${mib(peakRss())} MiB (weights in JS: ${mib(all.byteLength)} MiB)`);
await session.release();
