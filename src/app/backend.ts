/** What the tab can compute on: WebGPU when an adapter exists, else WASM (threaded when isolated). */
export interface BackendInfo {
  webgpu: boolean;
  adapter: string | null; // vendor / architecture / description as the browser reports them
  fallbackAdapter: boolean; // software adapters such as SwiftShader
  crossOriginIsolated: boolean;
  threads: number;
  label: string;
}

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
  const fallback = Boolean(adapter?.isFallbackAdapter ?? info.isFallbackAdapter);
  const wasmLabel = threads > 1 ? `WASM (${threads} threads)` : 'WASM (1 thread, no cross-origin isolation)';
  const label = adapter ? `WebGPU (${adapterName}${fallback ? ', software' : ''})` : wasmLabel;
  return { webgpu: Boolean(adapter), adapter: adapterName, fallbackAdapter: fallback, crossOriginIsolated: isolated, threads, label };
}
