// Reverse pass: cotangents flow from `y` back to the requested inputs only. A node gets a VJP
// only if it lies on a path from a requested input to y, and each rule is told which of its
// inputs need a gradient, so no weight gradients are ever built.
import { add, expand } from './ops.ts';
import { primitives } from './primitives.ts';
import { isFloat, LEAF_OPS, type Tensor } from './tensor.ts';

/** d(sum(seed * y))/d(wrt): with no seed y must be a scalar (or seed = 1 everywhere). */
export function grad(y: Tensor, wrt: readonly Tensor[], seed?: Tensor): Tensor[] {
  const g = y.graph;
  const tensors = g.tensors.slice(0, y.id + 1);
  // forward: which tensors depend on a requested input through float values
  const dep = new Uint8Array(tensors.length);
  for (const w of wrt) {
    if (w.graph !== g || !isFloat(w.dtype)) throw new Error('grad: float tensors of this graph');
    if (w.id <= y.id) dep[w.id] = 1;
  }
  for (const t of tensors)
    if (!dep[t.id] && isFloat(t.dtype) && t.inputs.some((i) => dep[i.id])) dep[t.id] = 1;

  const cot = new Map<number, Tensor>();
  cot.set(y.id, seed ?? expand(g.scalar(1, y.dtype), y.shape));
  for (let id = y.id; id >= 0; id--) {
    const t = tensors[id];
    const gt = cot.get(id);
    if (!gt || !dep[id] || LEAF_OPS.has(t.op)) continue;
    const wants = t.inputs.map((i) => dep[i.id] === 1);
    if (!wants.some(Boolean)) continue;
    const rule = primitives[t.op].vjp;
    if (!rule) throw new Error(`${t.op} has no VJP but lies on the gradient path`);
    const gs = rule(t, gt, wants);
    t.inputs.forEach((inp, i) => {
      const gi = gs[i];
      if (!wants[i] || !gi) return;
      const prev = cot.get(inp.id);
      cot.set(inp.id, prev ? add(prev, gi) : gi);
    });
  }
  return wrt.map((w) => cot.get(w.id) ?? expand(g.scalar(0, w.dtype), w.shape));
}
