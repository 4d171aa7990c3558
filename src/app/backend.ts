/** What the tab can compute on: WebGPU when an adapter exists, else WASM (threaded when isolated). */
export interface BackendInfo {
  webgpu: boolean;
  adapter: string | null; // vendor / architecture / description as the browser reports them
  fallbackAdapter: boolean; // software adapters such as SwiftShader
  crossOriginIsolated: boolean;
  threads: number;
  label: string;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

export async function detectBackend(threads: number): Promise<BackendInfo> {
  const isolated = globalThis.crossOriginIsolated === true;
  let adapter: any = null;
  const gpu = (globalThis.navigator as any)?.gpu;
  if (gpu) {
    try {
      adapter = await gpu.requestAdapter();
    } catch {
      adapter = null;
    }
  }
  const info = adapter?.info ?? {};
  const adapterName = adapter
    ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') || 'unknown adapter'
    : null;
  // Chromium reports SwiftShader without the fallback flag on some versions: the name tells too.
  const fallback = Boolean(adapter?.isFallbackAdapter ?? info.isFallbackAdapter) || (adapterName !== null && SOFTWARE.test(adapterName));
  const wasmLabel = threads > 1 ? `WASM (${threads} threads)` : 'WASM (1 thread, no cross-origin isolation)';
  const label = adapter ? `WebGPU (${adapterName}${fallback ? ', software' : ''})` : wasmLabel;
  return { webgpu: Boolean(adapter), adapter: adapterName, fallbackAdapter: fallback, crossOriginIsolated: isolated, threads, label };
}

/**
 * What "auto" runs an in-tab embedding on: WebGPU on a real adapter; WASM when there is none, or when
 * the only adapter is a software one (SwiftShader emulates the GPU on the CPU, far slower than WASM:
 * 3 of 161 SmolLM2 probes in 10 min against 4 min for all of them on WASM).
 */
export function autoBackend(info: BackendInfo | null): { provider: 'webgpu' | 'wasm'; reason: string } {
  if (!info?.webgpu) return { provider: 'wasm', reason: 'no WebGPU adapter in this browser' };
  if (info.fallbackAdapter) return { provider: 'wasm', reason: `the WebGPU adapter is a software one (${info.adapter}), much slower than WASM` };
  return { provider: 'webgpu', reason: `WebGPU adapter ${info.adapter}` };
}
