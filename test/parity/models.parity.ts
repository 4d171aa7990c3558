/**
 * Live parity of our attribution graphs on real GGUF weights against PyTorch/transformers
 * (reference/real_gguf.py: transformers loads the GGUF itself, dequantizes to float32 and runs
 * autograd): logits (summary: max, logsumexp, next-token and 64 sampled columns per position),
 * f and df/dE on the first probes of the v1 probe set, with the reference's own token ids.
 *
 * Needs the GGUF files in $ABLE_MODELS_DIR (default /tmp/models) and the reference outputs in
 * $ABLE_GGUF_REF_DIR (default .cache/ref-gguf); when those are absent it runs
 * `$ABLE_PYTHON reference/real_gguf.py $ABLE_GGUF_REF_DIR` (a few minutes). Skips when the GGUF
 * files are absent, unless ABLE_PARITY_REQUIRED is set.
 * Run: npx vitest run --config vitest.parity.config.ts test/parity/models.parity.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeFileSource } from '../../src/platform/node/node-source.ts';
import { nodeRuntime } from '../../src/platform/node/runtime-node.ts';
import { archSpecFromGguf, createAttributionSession, ggufStore, loadModel } from '../../src/models/index.ts';
import { compareCase, type GoldenCase, padCase } from '../../src/models/tiny-fixtures.ts';
import { openGGUF } from '../../src/weights/index.ts';

const root = new URL('../..', import.meta.url).pathname;
const modelsDir = process.env.ABLE_MODELS_DIR ?? '/tmp/models';
const refDir = process.env.ABLE_GGUF_REF_DIR ?? join(root, '.cache/ref-gguf');
const python = process.env.ABLE_PYTHON ?? (existsSync('/tmp/refvenv/bin/python') ? '/tmp/refvenv/bin/python' : 'python3');
const MODELS = [
  { name: 'smollm2', file: 'SmolLM2-135M-Instruct.Q4_1.gguf' },
  { name: 'gemma3', file: 'gemma-3-270m-q4_k_m.gguf' },
  { name: 'qwen2.5-coder-0.5b', file: 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf' },
];
const MIN_PROBES = 20;

interface Reference {
  model: { file: string; architecture: string };
  logitsSampleIds: number[];
  probes: (Omit<GoldenCase, 'embeddings'> & { id: string })[];
}

function reference(name: string): Reference {
  const path = join(refDir, `${name}.json`);
  if (!existsSync(path))
    execFileSync(python, [join(root, 'reference/real_gguf.py'), refDir, '--only', name, '--limit', '24'], { stdio: 'inherit' });
  return JSON.parse(readFileSync(path, 'utf8')) as Reference;
}

for (const { name, file } of MODELS) {
  const path = join(modelsDir, file);
  describe.skipIf(!existsSync(path) && !process.env.ABLE_PARITY_REQUIRED)(`models vs PyTorch on ${file}`, () => {
    it('logits max abs err <= 1e-3, grad cosine >= 0.9999 on >= 20 probes', async () => {
      const ref = reference(name);
      expect(ref.probes.length).toBeGreaterThanOrEqual(MIN_PROBES);
      const gguf = await openGGUF(await NodeFileSource.open(path));
      const spec = archSpecFromGguf(gguf);
      const model = await loadModel(spec, ggufStore(gguf, spec));
      const T = Math.max(...ref.probes.map((p) => p.ids.length));
      const s = await createAttributionSession(nodeRuntime, model, { T, B: 1, logits: true });
      console.log(`${name}: ${spec.architecture} T=${T} session ${s.createMs.toFixed(0)} ms, ${s.nodeCount} nodes`);
      let worstLogits = 0;
      let worstCos = 1;
      let worstF = 0;
      let worstGrad = 0;
      for (const p of ref.probes) {
        const { ids, mask } = padCase(p as GoldenCase, T);
        const t0 = performance.now();
        const out = await s.run(ids, mask, Float32Array.of(1));
        const ms = performance.now() - t0;
        // E is not in the reference file; gxi is compared through grad and our own E
        const fig = compareCase(
          { f: out.f[0], grad: out.grad, embeds: out.embeds, logits: out.logits },
          { ...(p as GoldenCase), embeddings: Array.from({ length: p.ids.length }, (_, t) => Array.from(out.embeds.subarray(t * spec.hidden, (t + 1) * spec.hidden))) },
          spec.hidden,
          spec.vocabSize,
          ref.logitsSampleIds,
        );
        console.log(
          `  ${p.id} T=${p.ids.length} f=${out.f[0].toFixed(4)} (ref ${p.f.toFixed(4)}) logits maxAbs ${fig.logitsMaxAbsErr.toExponential(1)} grad cos-1 ${(fig.gradCosine - 1).toExponential(1)} maxRel ${fig.gradMaxRelErr.toExponential(1)} gxi maxAbs ${fig.gxiMaxAbsErr.toExponential(1)} ${ms.toFixed(0)} ms`,
        );
        worstLogits = Math.max(worstLogits, fig.logitsMaxAbsErr);
        worstCos = Math.min(worstCos, fig.gradCosine);
        worstF = Math.max(worstF, fig.fAbsErr);
        worstGrad = Math.max(worstGrad, fig.gradMaxRelErr);
      }
      await s.release();

      // the same with the head at target positions only (what embedding runs use)
      const K = Math.max(...ref.probes.map((p) => p.targetMask.filter(Boolean).length));
      const sk = await createAttributionSession(nodeRuntime, model, { T, B: 1, maxTargets: K });
      let worstCosK = 1;
      let worstFK = 0;
      let msK = 0;
      for (const p of ref.probes) {
        const { ids, mask } = padCase(p as GoldenCase, T);
        const t0 = performance.now();
        const out = await sk.run(ids, mask, Float32Array.of(1));
        msK += performance.now() - t0;
        const fig = compareCase(
          { f: out.f[0], grad: out.grad, embeds: out.embeds },
          { ...(p as GoldenCase), embeddings: Array.from({ length: p.ids.length }, (_, t) => Array.from(out.embeds.subarray(t * spec.hidden, (t + 1) * spec.hidden))) },
          spec.hidden,
          spec.vocabSize,
          ref.logitsSampleIds,
        );
        worstCosK = Math.min(worstCosK, fig.gradCosine);
        worstFK = Math.max(worstFK, fig.fAbsErr);
      }
      await sk.release();
      console.log(
        `${name}: maxTargets=${K}: f absErr ${worstFK.toExponential(2)}, grad 1-cosine ${(1 - worstCosK).toExponential(1)}, mean run ${(msK / ref.probes.length).toFixed(0)} ms (session ${sk.createMs.toFixed(0)} ms)`,
      );
      expect(worstCosK).toBeGreaterThanOrEqual(0.9999);
      expect(worstFK).toBeLessThanOrEqual(1e-3);
      console.log(
        `${name}: ${ref.probes.length} probes, worst logits maxAbs ${worstLogits.toExponential(2)}, f absErr ${worstF.toExponential(2)}, grad 1-cosine ${(1 - worstCos).toExponential(1)}, grad maxRel ${worstGrad.toExponential(2)}`,
      );
      expect(worstLogits).toBeLessThanOrEqual(1e-3);
      expect(worstCos).toBeGreaterThanOrEqual(0.9999);
      expect(worstF).toBeLessThanOrEqual(1e-3);
    });
  });
}
