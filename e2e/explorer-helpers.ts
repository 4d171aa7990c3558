// Expectations for the explorer e2e tests, computed in Node from the very files the app loads
// (fetched from the preview server), with the shared src/atlas code; nothing is hard-coded.
import type { APIRequestContext } from '@playwright/test';
import { type Atlas, readAtlas } from '../src/atlas/format';
import { queryKnn } from '../src/atlas/knn';

export async function loadServedAtlas(request: APIRequestContext): Promise<Atlas> {
  const res = await request.get('/atlas/atlas.json');
  if (!res.ok()) throw new Error(`/atlas/atlas.json: HTTP ${res.status()}; these tests need the atlas in public/atlas/ (able atlas merge) before vite build`);
  const json = await res.json();
  const bin = await (await request.get(`/atlas/${json.embeddings.file}`)).body();
  return readAtlas(json, new Uint8Array(bin));
}

/** Ids of the models drawn on the map: those with an embedding row and a layout position. */
export const embeddedIds = (a: Atlas) => a.json.models.filter((m) => m.row !== null && m.xy).map((m) => m.id);

/** Top-k cosine neighbours of a model in the full space, computed in Node from the float16 block. */
export function topNeighbours(a: Atlas, id: string, k = 10): { id: string; cosine: number }[] {
  const m = a.json.models.find((x) => x.id === id)!;
  const rows = Array.from({ length: a.json.embeddings.rows }, (_, r) => a.vector(r));
  const byRow = new Map(a.json.models.filter((x) => x.row !== null).map((x) => [x.row!, x.id]));
  return queryKnn(a.vector(m.row!), rows, k + 1)
    .filter(([r]) => r !== m.row)
    .slice(0, k)
    .map(([r, c]) => ({ id: byRow.get(r)!, cosine: c }));
}
