// A built app served from a loopback port, cross-origin isolated as `npm start` serves it (WASM
// threads need it). `routes` answers some paths itself (generated atlases, a bench page): the
// benchmarks' fixtures are served from memory, never written into the app.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export type Route = (path: string) => { body: Uint8Array | string; type: string } | null;

export async function serveApp(dir: string, routes: Route = () => null): Promise<{ origin: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (body: Uint8Array | string, type: string) => {
      res.writeHead(200, { 'content-type': type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.end(body);
    };
    const own = routes(path);
    if (own) return send(own.body, own.type);
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end();
    }
    send(readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Routes answering an atlas's two files with a generated one (or nothing, when `get` gives null). */
export function atlasRoutes(get: () => { json: string; f16: Uint8Array } | null): Route {
  return (path) => {
    const a = get();
    if (a && path.endsWith('/atlas/atlas.json')) return { body: a.json, type: 'application/json' };
    if (a && path.endsWith('/atlas/embeddings.f16')) return { body: a.f16, type: 'application/octet-stream' };
    return null;
  };
}
