// `npm start`: build the app when dist/ is missing or older than its sources, then serve the
// production build (with the COOP/COEP headers vite.config.ts sets) on a fixed local port
// (PORT, default 4173), after checking that the port is free.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const port = Number(process.env.PORT ?? 4173);
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(path)) if (e !== 'ort') m = Math.max(m, newestMtime(join(path, e)));
  return m;
}

/** Resolves when nothing listens on the port (checked by binding it briefly), else says so. */
function portFree(p) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(p, '127.0.0.1');
  });
}

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT=${process.env.PORT} is not a port number (1-65535).`);
  process.exit(1);
}
if (!(await portFree(port))) {
  console.error(
    `Port ${port} is busy (another \`npm start\`, or another server). Choose another port: PORT=${port + 1} npm start`,
  );
  process.exit(1);
}

const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
if (built < Math.max(...sources.map(newestMtime))) {
  console.log(built ? 'Building the app (sources changed since the last build)…' : 'Building the app (first build, about a minute)…');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`ABLE Atlas: http://127.0.0.1:${port}/`);
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
  stdio: ['inherit', 'inherit', 'inherit'],
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
