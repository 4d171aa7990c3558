// Public API of the engine.
export * from './autodiff.ts';
export * from './composites.ts';
export * as op from './ops.ts';
export { primitives, type Primitive } from './primitives.ts';
export * from './onnx-writer.ts';
export * from './random.ts';
export * from './runtime.ts';
export * from './tensor.ts';
