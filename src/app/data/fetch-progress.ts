// fetch with byte progress (Content-Length when the server sends it; else progress is unknown).

export type Progress = (loaded: number, total: number | null) => void;

export async function fetchBytes(url: string, onProgress: Progress, signal?: AbortSignal): Promise<Uint8Array> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  const len = res.headers.get('content-length');
  // a compressed response reports the compressed length; then the total is only a hint
  const total = len && !res.headers.get('content-encoding') ? Number(len) : null;
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onProgress(buf.byteLength, buf.byteLength);
    return buf;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  onProgress(loaded, loaded);
  return out;
}
