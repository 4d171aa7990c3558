import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, headersFile, hubOrigins, servedHeaders } from '../../security-headers';

describe('served headers (issue 13 defect 12)', () => {
  it('CSP: scripts and workers from self, wasm allowed, connections to self and the hub only, no framing', () => {
    const csp = contentSecurityPolicy(['https://huggingface.co']);
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("connect-src 'self' https://huggingface.co;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*unsafe-inline/);
  });
  it('the hub origins come from ABLE_HUB_ORIGINS when set', () => {
    expect(hubOrigins({ ABLE_HUB_ORIGINS: 'https://a.test, https://b.test' })).toEqual(['https://a.test', 'https://b.test']);
    expect(hubOrigins({})).toContain('https://huggingface.co');
  });
  it('the static-hosting _headers file carries the same set as npm start', () => {
    const h = servedHeaders(['https://huggingface.co']);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    const file = headersFile(['https://huggingface.co']);
    for (const [k, v] of Object.entries(h)) expect(file).toContain(`  ${k}: ${v}\n`);
  });
});
