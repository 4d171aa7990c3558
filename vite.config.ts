import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { hardeningHeaders, headersFile, isolationHeaders, servedHeaders } from './security-headers.ts';

const root = dirname(fileURLToPath(import.meta.url));

// Static hosts that read dist/_headers get the same headers as `npm start` (security-headers.ts).
function staticHeadersFile(): Plugin {
  return {
    name: 'static-headers-file',
    apply: 'build',
    writeBundle(options) {
      writeFileSync(join(options.dir ?? join(root, 'dist'), '_headers'), headersFile());
    },
  };
}

// ORT's worker must load its own glue file, not the app bundle: after `vite build` a bundled
// copy makes threaded workers die with "document is not defined". So the files are served from
// public/ort/ as they ship, and the runtime points ort.env.wasm.wasmPaths at '/ort/'.
const ortFiles = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];
function ortWasmFiles(): Plugin {
  const copy = () => {
    const dest = join(root, 'public', 'ort');
    mkdirSync(dest, { recursive: true });
    for (const f of ortFiles) {
      const src = join(root, 'node_modules', 'onnxruntime-web', 'dist', f);
      const out = join(dest, f);
      if (!existsSync(out) || statSync(out).size !== statSync(src).size) copyFileSync(src, out);
    }
  };
  return { name: 'ort-wasm-files', config: copy };
}

export default defineConfig({
  plugins: [react(), ortWasmFiles(), staticHeadersFile()],
  // dev: no CSP (Vite's dev client runs inline scripts); preview (`npm start`): the full set
  server: { headers: { ...isolationHeaders, ...hardeningHeaders }, port: 5173 },
  preview: { headers: servedHeaders(), port: 4173, strictPort: true, host: '127.0.0.1' },
  // The extern-wasm build of onnxruntime-web does not inline the 28 MB wasm into the bundle;
  // it loads the files from public/ort/ instead (see above).
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
