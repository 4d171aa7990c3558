// Matrix-multiply FLOPs of one attribution run (forward + gradient to the input embeddings, B=1),
// for "achieved FLOP/s": every 2-D weight except the embedding table is a linear applied at all T
// positions (2 T in out), attention adds QK^T and AV (2 * 2 T^2 heads*headDim per layer), the
// vocabulary head runs at K target rows (2 K V D). The backward to the input (no weight gradients)
// costs one matmul per linear (dX = dY W) and two per attention product: about 2x the forward.
// Elementwise work (norms, softmax, rope) is left out, so this undercounts slightly.
import type { LoadedModel } from '../../src/models/index.ts';

export function attributionFlops(model: LoadedModel, T: number, K: number): number {
  const { spec, family } = model;
  const embed = family.embedName(spec);
  let linear = 0;
  for (const [name, shape] of family.tensors(spec)) if (shape.length === 2 && name !== embed && name !== family.lmHeadName(spec)) linear += shape[0] * shape[1];
  const attn = 4 * T * T * spec.heads * spec.headDim * spec.layers;
  const head = 2 * K * spec.vocabSize * spec.hidden;
  const forward = 2 * T * linear + attn + head;
  const backward = 2 * T * linear + 2 * attn + head;
  return forward + backward;
}
