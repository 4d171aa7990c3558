// loadModel: every tensor the family reads, fetched from the store and checked against the shape
// the spec implies, before any graph is built.
import { checkTensorShape, WeightsError } from '../weights/index.ts';
import type { Family } from './family.ts';
import { FAMILIES } from './families.ts';
import { type ArchSpec, checkLayerCount } from './spec.ts';
import type { StoredTensor, WeightStore } from './store.ts';

export interface LoadedModel {
  spec: ArchSpec;
  family: Family;
  /** By HF name: exactly the tensors the family reads. */
  tensors: Map<string, StoredTensor>;
  file: string;
}

/**
 * The same tensor under the names checkpoints actually use: GPT-2 hub files with and without the
 * `transformer.` prefix; GPT-NeoX's untied head as `embed_out.weight` (Pythia) or `lm_head.weight`
 * (transformers 5).
 */
function resolve(name: string, have: Set<string>): string | null {
  const alts = [name];
  if (name.startsWith('transformer.')) alts.push(name.slice('transformer.'.length));
  if (name === 'embed_out.weight') alts.push('lm_head.weight');
  return alts.find((n) => have.has(n)) ?? null;
}

export async function loadModel(spec: ArchSpec, store: WeightStore): Promise<LoadedModel> {
  const family = FAMILIES[spec.family];
  const expected = family.tensors(spec);
  const have = new Set(store.names());
  // every layer the config names must be there and none beyond it (no silently dropped layers)
  checkLayerCount(spec.layers, have, store.file, spec.source === 'gguf' ? 'block_count' : 'num_hidden_layers');
  const tensors = new Map<string, StoredTensor>();
  for (const [name, shape] of expected) {
    const actual = resolve(name, have);
    if (!actual)
      throw new WeightsError(
        store.file,
        `tensor '${name}' is missing (the ${spec.architecture} config implies it, shape [${shape.join(', ')}])`,
      );
    const t = await store.get(actual);
    checkTensorShape(actual, t.shape, shape, store.file);
    tensors.set(name, t);
  }
  return { spec, family, tensors, file: store.file };
}
