// Messages between the app and the re-projection worker.
export interface ProjectRequest {
  method: 'umap' | 'pca';
  rows: Float32Array[]; // one embedding per embedded model, in the order the reply keeps
  nNeighbors: number;
  minDist: number;
  seed: number;
}

export type ProjectReply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; xy: [number, number][] }
  | { type: 'error'; message: string };
