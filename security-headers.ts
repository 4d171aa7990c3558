// The response headers the app is served with: by `npm start` (vite preview), by `npm run dev`
// (without the CSP: Vite's dev client injects inline scripts), and, written to dist/_headers at
// build, by static hosts that read that file (Netlify, Cloudflare Pages); docs/security.md gives
// the same set for nginx and Caddy. One definition, so the three cannot drift apart.

/** Origins the tab may fetch from besides its own: the hub and the hosts its downloads redirect to. */
export const DEFAULT_HUB_ORIGINS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

export function hubOrigins(env: Record<string, string | undefined> = process.env): string[] {
  const extra = env.ABLE_HUB_ORIGINS?.split(/[\s,]+/).filter(Boolean);
  return extra && extra.length > 0 ? extra : DEFAULT_HUB_ORIGINS;
}

export function contentSecurityPolicy(hubs: string[] = hubOrigins()): string {
  return [
    "default-src 'self'",
    // WASM compilation needs 'wasm-unsafe-eval'; no other eval and no inline script
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    // React sets style attributes (positions, colours)
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${hubs.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Threads need cross-origin isolation (SharedArrayBuffer), in dev and in preview alike. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export const hardeningHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const servedHeaders = (hubs?: string[]): Record<string, string> => ({
  ...isolationHeaders,
  ...hardeningHeaders,
  'Content-Security-Policy': contentSecurityPolicy(hubs),
});

/** dist/_headers for static hosts (one block for every path). */
export const headersFile = (hubs?: string[]): string =>
  `/*\n${Object.entries(servedHeaders(hubs))
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n')}\n`;
