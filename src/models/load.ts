// loadModel: every tensor the family reads, fetched from the store and checked against the shape
// the spec implies, before any graph is built.
import { checkTensorShape, WeightsError } from '../weights/index.ts';
import type { Family } from './family.ts';
import { familyOf } from './registry.ts';
import { type ArchSpec, checkLayerCount } from './spec.ts';
import type { StoredTensor, WeightStore } from './store.ts';

export interface LoadedModel {
  spec: ArchSpec;
  family: Family;
  /** By HF name: exactly the tensors the family reads. */
  tensors: Map<string, StoredTensor>;
  file: string;
}

/** The same tensor under the names checkpoints actually use (the family's aliases). */
function resolve(family: Family, name: string, have: Set<string>): string | null {
  return [name, ...(family.aliases?.(name) ?? [])].find((n) => have.has(n)) ?? null;
}

export async function loadModel(spec: ArchSpec, store: WeightStore): Promise<LoadedModel> {
  const family = familyOf(spec);
  const expected = family.tensors(spec);
  const have = new Set(store.names());
  // every layer the config names must be there and none beyond it (no silently dropped layers)
  checkLayerCount(spec.layers, have, store.file, spec.source === 'gguf' ? 'block_count' : 'num_hidden_layers');
  const tensors = new Map<string, StoredTensor>();
  for (const [name, shape] of expected) {
    const actual = resolve(family, name, have);
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
