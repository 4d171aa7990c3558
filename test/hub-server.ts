// A local stand-in for the Hugging Face hub, laid out as the hub is, for the hub client's tests:
//   GET /api/models/<org>/<name>/revision/<rev>   -> {id, sha, siblings: [{rfilename, size}]}
//   GET /<org>/<name>/resolve/<rev>/<path>         -> 200 (small files) or 302 to /cdn/... (LFS files)
//   GET /cdn/<org>/<name>/<sha>/<path>             -> the bytes, honouring Range
// Repos named gated/* answer 401 unless `Authorization: Bearer <token>` is right. A file can be
// set to break its connection after N bytes, to test resuming.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureRepo {
  sha: string;
  files: Record<string, Uint8Array | string>;
  /** Listed in the api answer but 404 on download (a file that vanished). */
  missing?: string[];
  /** Served instead of the listed bytes (same size): the listing's LFS sha256 no longer matches. */
  tampered?: Record<string, Uint8Array>;
}

export interface HubServerOptions {
  repos: Record<string, FixtureRepo>;
  /** The token gated/* repos accept. */
  token?: string;
}

export interface LoggedRequest {
  path: string;
  range: string | null;
  auth: string | null;
  status: number;
}

export interface HubServer {
  url: string;
  requests: LoggedRequest[];
  /** The next `times` downloads of `file` send `bytes` bytes of the body, then drop the connection. */
  cutAfter(file: string, bytes: number, times?: number): void;
  /** When true, Range headers are ignored (a server that always sends the whole file with 200). */
  ignoreRange: boolean;
  close(): Promise<void>;
}

const LFS = /\.(safetensors|gguf|bin)$/;

export async function startHubServer(opts: HubServerOptions): Promise<HubServer> {
  const cuts = new Map<string, { bytes: number; times: number }>();
  const requests: LoggedRequest[] = [];
  const state = { ignoreRange: false };

  const bytesOf = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);

  function finish(req: IncomingMessage, res: ServerResponse, status: number, body?: string | Uint8Array, headers: Record<string, string> = {}) {
    requests.push({ path: req.url ?? '', range: req.headers.range ?? null, auth: req.headers.authorization ?? null, status });
    res.writeHead(status, headers);
    res.end(body);
  }

  function authorized(repoId: string, req: IncomingMessage): boolean {
    return !repoId.startsWith('gated/') || (opts.token !== undefined && req.headers.authorization === `Bearer ${opts.token}`);
  }

  function serveBytes(req: IncomingMessage, res: ServerResponse, file: string, data: Uint8Array) {
    let start = 0;
    let end = data.length - 1;
    let status = 200;
    const range = req.headers.range;
    if (range && !state.ignoreRange) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (!m) return finish(req, res, 400, 'bad range');
      start = Number(m[1]);
      if (m[2] !== '') end = Math.min(end, Number(m[2]));
      if (start >= data.length || start > end) {
        return finish(req, res, 416, '', { 'Content-Range': `bytes */${data.length}` });
      }
      status = 206;
    }
    const body = data.subarray(start, end + 1);
    const headers: Record<string, string> = {
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
    };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${data.length}`;
    const cut = cuts.get(file);
    if (cut && cut.times > 0) {
      cut.times--;
      requests.push({ path: req.url ?? '', range: range ?? null, auth: req.headers.authorization ?? null, status });
      res.writeHead(status, headers);
      res.flushHeaders();
      // Send part of the body, then drop the connection as a flaky network would.
      res.write(body.subarray(0, Math.min(cut.bytes, body.length)), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    finish(req, res, status, body, headers);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
    // /api/models/<org>/<name>/revision/<rev>
    if (parts[0] === 'api' && parts[1] === 'models' && parts[4] === 'revision') {
      const repoId = `${parts[2]}/${parts[3]}`;
      const repo = opts.repos[repoId];
      if (!repo) return finish(req, res, 404, '{"error":"Repository not found"}', { 'X-Error-Code': 'RepoNotFound' });
      if (!authorized(repoId, req)) return finish(req, res, 401, '{"error":"Access to this repo is restricted"}');
      const rev = parts.slice(5).join('/');
      if (rev !== 'main' && rev !== repo.sha) return finish(req, res, 404, '{"error":"Revision Not Found"}');
      // LFS files carry their sha256 as the hub's ?blobs=true listing does
      const siblings = Object.entries(repo.files).map(([rfilename, v]) => ({
        rfilename,
        size: bytesOf(v).length,
        ...(LFS.test(rfilename) ? { lfs: { sha256: createHash('sha256').update(bytesOf(v)).digest('hex'), size: bytesOf(v).length } } : {}),
      }));
      return finish(req, res, 200, JSON.stringify({ id: repoId, sha: repo.sha, siblings }), { 'Content-Type': 'application/json' });
    }
    // /<org>/<name>/resolve/<rev>/<path...>  and  /cdn/<org>/<name>/<sha>/<path...>
    const isCdn = parts[0] === 'cdn';
    const p = isCdn ? parts.slice(1) : parts;
    if (!isCdn && p[2] !== 'resolve') return finish(req, res, 404, 'no route');
    const repoId = `${p[0]}/${p[1]}`;
    const repo = opts.repos[repoId];
    const rev = isCdn ? p[2] : p[3];
    const file = (isCdn ? p.slice(3) : p.slice(4)).join('/');
    if (!repo) return finish(req, res, 404, 'Repository not found', { 'X-Error-Code': 'RepoNotFound' });
    if (!isCdn && !authorized(repoId, req)) return finish(req, res, 401, 'Access restricted');
    if (rev !== 'main' && rev !== repo.sha) return finish(req, res, 404, 'Revision not found');
    const data = repo.files[file];
    if (data === undefined || repo.missing?.includes(file)) {
      return finish(req, res, 404, 'Entry not found', { 'X-Error-Code': 'EntryNotFound' });
    }
    if (!isCdn && LFS.test(file)) {
      const to = `/cdn/${repoId}/${repo.sha}/${file.split('/').map(encodeURIComponent).join('/')}`;
      return finish(req, res, 302, '', { Location: to });
    }
    serveBytes(req, res, file, repo.tampered?.[file] ?? bytesOf(data));
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutAfter(file, bytes, times = 1) {
      cuts.set(file, { bytes, times });
    },
    get ignoreRange() {
      return state.ignoreRange;
    },
    set ignoreRange(v: boolean) {
      state.ignoreRange = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
