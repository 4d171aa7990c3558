// loadModel: every tensor the family reads, fetched from the store and checked against the shape
// the spec implies, before any graph is built.
import { checkTensorShape, WeightsError } from '../weights/index.ts';
import type { Family } from './family.ts';
import { FAMILIES } from './families.ts';
import type { ArchSpec } from './spec.ts';
import type { StoredTensor, WeightStore } from './store.ts';

export interface LoadedModel {
  spec: ArchSpec;
  family: Family;
  /** By HF name: exactly the tensors the family reads. */
  tensors: Map<string, StoredTensor>;
  file: string;
}

/** GPT-2 hub checkpoints come with and without the `transformer.` prefix. */
function resolve(name: string, have: Set<string>): string | null {
  if (have.has(name)) return name;
  if (name.startsWith('transformer.') && have.has(name.slice('transformer.'.length)))
    return name.slice('transformer.'.length);
  return null;
}

export async function loadModel(spec: ArchSpec, store: WeightStore): Promise<LoadedModel> {
  const family = FAMILIES[spec.family];
  const expected = family.tensors(spec);
  const have = new Set(store.names());
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
