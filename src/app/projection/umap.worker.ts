// Re-projection off the main thread: UMAP (umap-js, seeded as src/atlas/layout.ts seeds it, run
// epoch by epoch so progress can be reported) or PCA. Cancel = the app terminates this worker.
import { UMAP } from 'umap-js';
import { cosine } from '../../atlas/knn';
import { umapLayout } from '../../atlas/layout';
import { mulberry32 } from '../../atlas/random';
import type { ProjectReply, ProjectRequest } from './messages';
import { pca2 } from './pca';

const post = (m: ProjectReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<ProjectRequest>) => {
  const req = e.data;
  try {
    if (req.method === 'pca') {
      post({ type: 'done', xy: pca2(req.rows) });
      return;
    }
    const n = req.rows.length;
    if (n < 3) {
      post({ type: 'done', xy: umapLayout(req.rows, { method: 'umap', nNeighbors: req.nNeighbors, minDist: req.minDist, seed: req.seed, metric: 'cosine' }) });
      return;
    }
    const umap = new UMAP({
      nComponents: 2,
      nNeighbors: Math.min(req.nNeighbors, n - 1),
      minDist: req.minDist,
      distanceFn: (a: number[], b: number[]) => 1 - cosine(a, b),
      random: mulberry32(req.seed),
    });
    const total = umap.initializeFit(req.rows.map((r) => Array.from(r)));
    for (let i = 0; i < total; i++) {
      umap.step();
      if (i % 10 === 0) post({ type: 'progress', done: i, total });
    }
    post({ type: 'done', xy: umap.getEmbedding().map((p) => [p[0], p[1]] as [number, number]) });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
