// Exposes the engine check (src/models/engine-check.ts) to the e2e test (e2e/engine.spec.ts):
// window.__ableEngineCheck('webgpu' | 'wasm') runs the fixed forward+backward graph with only
// that execution provider and returns the provider that actually ran and the gradients.
import { type EngineCheckResult, runEngineCheck } from '../models/engine-check';
import { webRuntime } from '../platform/web/runtime-web';

declare global {
  interface Window {
    __ableEngineCheck?: (provider: 'webgpu' | 'wasm') => Promise<EngineCheckResult>;
  }
}

window.__ableEngineCheck = (provider) => runEngineCheck(webRuntime([provider]));
