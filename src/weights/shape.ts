import { WeightsError } from './errors.ts';

/**
 * Throws a WeightsError naming the tensor, the file, and both shapes when a tensor's shape is not
 * the one the model config implies. Shapes are in hub / PyTorch order ([out, in] for a linear).
 */
export function checkTensorShape(name: string, actual: readonly number[], expected: readonly number[], file: string): void {
  if (actual.length === expected.length && actual.every((d, i) => d === expected[i])) return;
  throw new WeightsError(
    file,
    `tensor '${name}' has shape [${actual.join(', ')}] but the model config implies [${expected.join(', ')}]`,
  );
}
