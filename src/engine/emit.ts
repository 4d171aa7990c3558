// What a primitive's `emit` may do while the ONNX writer serializes the graph.
import type { DType, Shape, Tensor, TypedData } from './tensor.ts';

/** number = INT, number[] = INTS, string = STRING; floats and tensors are tagged. */
export type AttrValue =
  | number
  | number[]
  | string
  | { f: number }
  | { floats: number[] }
  | { tensor: { dtype: DType; dims: number[]; data: TypedData } };

export interface EmitCtx {
  /** The ONNX value name of a graph tensor. */
  name(t: Tensor): string;
  node(op: string, inputs: string[], outputs: string[], attrs?: Record<string, AttrValue>): void;
  /** A fresh value name for intermediate results. */
  tmp(hint: string): string;
  /** A 1-D int64 constant. */
  int64s(values: number[]): string;
  /** A rank-0 constant of `dtype`. */
  scalar(value: number, dtype: DType): string;
  /** A 1-D int64 shape value; symbolic dims are read from the graph inputs at run time. */
  shape(dims: Shape): string;
}
