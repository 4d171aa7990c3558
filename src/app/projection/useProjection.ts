// The map's positions: the shipped layout, or a re-projection computed in a Web Worker.
import { useEffect, useMemo, useState } from 'react';
import type { AtlasVectors } from '../data/atlas-vectors';
import type { ExplorerData } from '../data/explorer-data';
import type { Projection } from '../state/view-state';
import type { ProjectReply, ProjectRequest } from './messages';

export type ProjectionStatus =
  | { state: 'shipped' }
  | { state: 'running'; done: number; total: number }
  | { state: 'done' }
  | { state: 'error'; message: string };

/** vectors: null while the embedding block loads; a re-projection waits for it (status 'running', 0 of 0). */
export function useProjection(data: ExplorerData, vectors: AtlasVectors | null, p: Projection): { xy: ([number, number] | null)[]; status: ProjectionStatus } {
  const shipped = useMemo(() => data.models.map((m) => (m.row !== null && m.xy ? m.xy : null)), [data]);
  const [result, setResult] = useState<{ key: string; xy: ([number, number] | null)[] } | null>(null);
  const [status, setStatus] = useState<ProjectionStatus>({ state: 'shipped' });
  const key = `${p.method},${p.nNeighbors},${p.minDist},${p.seed}`;

  useEffect(() => {
    if (p.method === 'shipped') {
      setStatus({ state: 'shipped' });
      return;
    }
    setStatus({ state: 'running', done: 0, total: 0 });
    if (!vectors) return;
    const members = data.embedded;
    const worker = new Worker(new URL('./umap.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<ProjectReply>) => {
      const m = e.data;
      if (m.type === 'progress') setStatus({ state: 'running', done: m.done, total: m.total });
      else if (m.type === 'error') {
        setStatus({ state: 'error', message: m.message });
        worker.terminate();
      } else {
        const xy: ([number, number] | null)[] = data.models.map(() => null);
        members.forEach((i, k) => {
          xy[i] = m.xy[k];
        });
        setResult({ key, xy });
        setStatus({ state: 'done' });
        worker.terminate();
      }
    };
    worker.onerror = (e) => setStatus({ state: 'error', message: e.message || 'worker failed' });
    const req: ProjectRequest = { method: p.method, rows: members.map((i) => vectors.vector(i)!.slice()), nNeighbors: p.nNeighbors, minDist: p.minDist, seed: p.seed };
    worker.postMessage(req);
    // leaving this projection (new parameters, cancel, unmount) stops the worker
    return () => worker.terminate();
  }, [data, vectors, key, p.method, p.nNeighbors, p.minDist, p.seed]);

  const xy = p.method !== 'shipped' && result?.key === key ? result.xy : shipped;
  return { xy, status };
}
