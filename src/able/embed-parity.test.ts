// The whole ABLE pipeline (our tokenizer -> our graphs on onnxruntime-node -> attributions -> word
// alignment -> normalization) against PyTorch on every tiny fixture: reference/golden.py computed the
// same four probes with the `tokenizers` library and transformers' autograd, and wrote the
// METHOD.md section 6 vector for gxi, ig (m = 16) and grad-norm (ableGxi, ableIg16, ableGradNorm): the
// v1 aggregation. Method v2 (gxi) is checked against the v1 golden re-aggregated (exact, see
// aggregate.test.ts); the real-model parity checks v2 against the Python reference's own v2.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openTiny, TINY_VARIANTS as VARIANTS, tinyFiles } from '../../test/tiny.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { cosine, probeWordCounts, reaggregate } from './aggregate.ts';
import { runPipeline } from './pipeline.ts';
import type { ProbeSet } from './probes/index.ts';
import type { AttributionMethod, MethodVersion } from './spec.ts';

interface GoldenCase {
  id: string;
  context: string;
  target: string;
  ids: number[];
  spans: ([number, number] | null)[];
}
interface Golden {
  tokenizer: string;
  cases: GoldenCase[];
  ableGxi: number[];
  ableIg16: number[];
  ableGradNorm: number[];
}

function probeSetOf(golden: Golden): ProbeSet {
  return {
    format: 'able-probes/1',
    id: 'tiny-golden',
    license: 'Apache-2.0',
    description: 'the four probes of reference/golden.py',
    probes: golden.cases.map((c) => ({ id: c.id, domain: 'facts', context: c.context, target: c.target })),
  };
}

const METHODS: { method: AttributionMethod; ref: keyof Pick<Golden, 'ableGxi' | 'ableIg16' | 'ableGradNorm'>; version: MethodVersion }[] = [
  { method: { kind: 'gxi' }, ref: 'ableGxi', version: 1 },
  { method: { kind: 'ig', steps: 16 }, ref: 'ableIg16', version: 1 },
  { method: { kind: 'grad-norm' }, ref: 'ableGradNorm', version: 1 },
  { method: { kind: 'gxi' }, ref: 'ableGxi', version: 2 },
];

describe('ABLE embedding of each tiny model vs PyTorch (golden.json)', () => {
  it('finds the fixtures', () => expect(VARIANTS.length).toBeGreaterThanOrEqual(7));
  for (const variant of VARIANTS) {
    it(variant, async () => {
      const { tokenizer, golden } = await openTiny<Golden>(variant);
      for (const c of golden.cases) {
        const enc = tokenizer.encode(c.context + c.target);
        expect(enc.ids, `${variant}/${c.id} ids`).toEqual(c.ids);
        expect(enc.spans, `${variant}/${c.id} spans`).toEqual(c.spans);
      }
      const probes = probeSetOf(golden);
      const figures: string[] = [];
      for (const { method, ref, version } of METHODS) {
        // The pipeline both faces run, on the variant's files as a model folder.
        const files = tinyFiles(variant);
        const { record: res } = await runPipeline({
          files,
          identity: { name: variant },
          label: variant,
          runtime: nodeRuntime,
          probes,
          method,
          version,
          threads: 1,
          describe: (provider) => ({
            engine: { name: 'test', version: '0', provider: provider as 'cpu' },
            computed: { where: 'test', date: '', wallTimeS: 0 },
          }),
        });
        // The folder identity rule, by Node's own sha256: "<shard>:<sha256>\n" over the safetensors.
        const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
        const st = await files[1].read(0, files[1].size);
        expect(res.model).toEqual({ file: variant, sha256: sha(`model.safetensors:${sha(st)}\n`) });
        expect(res.engine.provider).toBe('cpu');
        expect(res.spec.methodVersion).toBe(version);
        const want = version === 1 ? golden[ref] : reaggregate(golden[ref], probeWordCounts(probes.probes), version, variant);
        expect(res.vector.length, `${variant} ${ref} dimension`).toBe(want.length);
        const cos = cosine(res.vector, want);
        figures.push(`${ref}${version === 1 ? '' : ` v${version}`} 1-cos ${(1 - cos).toExponential(1)}`);
        expect(cos, `${variant} ${ref} v${version} cosine`).toBeGreaterThanOrEqual(0.9999);
      }
      // The threshold means something only if the methods' vectors are far apart.
      const between = cosine(golden.ableGxi, golden.ableIg16);
      expect(between).toBeLessThan(0.99);
      console.log(`${variant.padEnd(11)} ${figures.join('  ')}  (gxi vs ig16 cos ${between.toFixed(3)})`);
    });
  }
});
