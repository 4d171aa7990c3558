// The whole ABLE pipeline (our tokenizer -> our graphs on onnxruntime-node -> attributions -> word
// alignment -> normalization) against PyTorch on every tiny fixture: reference/golden.py computed the
// same four probes with the `tokenizers` library and transformers' autograd, and wrote the
// METHOD.md section 6 vector for gxi, ig (m = 16) and grad-norm (ableGxi, ableIg16, ableGradNorm).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../engine/runtime-node.ts';
import { archSpecFromConfig, createAttributionSession, type LoadedModel, loadModel, safetensorsStore } from '../models/index.ts';
import { loadTokenizer, type Tokenizer } from '../text/tokenizer.ts';
import { BytesSource, openSafetensors } from '../weights/index.ts';
import { cosine } from './aggregate.ts';
import { embedModel } from './embed.ts';
import type { ProbeSet } from './probes/index.ts';
import type { AttributionMethod } from './spec.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/tiny');
const VARIANTS = readdirSync(DIR).filter((d) => {
  try {
    readFileSync(join(DIR, d, 'golden.json'));
    return true;
  } catch {
    return false;
  }
});

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

const readJson = (...p: string[]) => JSON.parse(readFileSync(join(DIR, ...p), 'utf8'));

async function loadVariant(variant: string): Promise<{ model: LoadedModel; tokenizer: Tokenizer; golden: Golden }> {
  const golden = readJson(variant, 'golden.json') as Golden;
  const tokName = readJson(variant, 'meta.json').tokenizer as string;
  const tokenizer = loadTokenizer(readJson('tokenizers', tokName, 'tokenizer.json'), readJson('tokenizers', tokName, 'tokenizer_config.json'));
  const bytes = new Uint8Array(readFileSync(join(DIR, variant, 'model.safetensors')));
  const st = await openSafetensors(new BytesSource(`${variant}/model.safetensors`, bytes));
  const model = await loadModel(archSpecFromConfig(readJson(variant, 'config.json')), safetensorsStore([st]));
  return { model, tokenizer, golden };
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

const METHODS: { method: AttributionMethod; ref: keyof Pick<Golden, 'ableGxi' | 'ableIg16' | 'ableGradNorm'> }[] = [
  { method: { kind: 'gxi' }, ref: 'ableGxi' },
  { method: { kind: 'ig', steps: 16 }, ref: 'ableIg16' },
  { method: { kind: 'grad-norm' }, ref: 'ableGradNorm' },
];

describe('ABLE embedding of each tiny model vs PyTorch (golden.json)', () => {
  it('finds the fixtures', () => expect(VARIANTS.length).toBeGreaterThanOrEqual(7));
  for (const variant of VARIANTS) {
    it(variant, async () => {
      const { model, tokenizer, golden } = await loadVariant(variant);
      for (const c of golden.cases) {
        const enc = tokenizer.encode(c.context + c.target);
        expect(enc.ids, `${variant}/${c.id} ids`).toEqual(c.ids);
        expect(enc.spans, `${variant}/${c.id} spans`).toEqual(c.spans);
      }
      const probes = probeSetOf(golden);
      const figures: string[] = [];
      for (const { method, ref } of METHODS) {
        const res = await embedModel({
          modelName: variant,
          tokenizer,
          hiddenSize: model.spec.hidden,
          probes,
          method,
          sessions: (T, B, maxTargets) => createAttributionSession(nodeRuntime, model, { T, B, maxTargets, threads: 1 }),
        });
        const want = golden[ref];
        expect(res.vector.length, `${variant} ${ref} dimension`).toBe(want.length);
        const cos = cosine(res.vector, want);
        figures.push(`${ref} 1-cos ${(1 - cos).toExponential(1)}`);
        expect(cos, `${variant} ${ref} cosine`).toBeGreaterThanOrEqual(0.9999);
      }
      // The threshold means something only if the methods' vectors are far apart.
      const between = cosine(golden.ableGxi, golden.ableIg16);
      expect(between).toBeLessThan(0.99);
      console.log(`${variant.padEnd(11)} ${figures.join('  ')}  (gxi vs ig16 cos ${between.toFixed(3)})`);
    });
  }
});
