// Exposes the engine's attention-block check to the e2e test (e2e/engine.spec.ts):
// window.__ableEngineCheck('webgpu' | 'wasm') runs the fixed forward+backward graph with only
// that execution provider and returns the provider that actually ran and the gradients.
import { type AttentionCheckResult, runAttentionCheck } from '../engine/attention-check';
import { webRuntime } from '../engine/runtime-web';

declare global {
  interface Window {
    __ableEngineCheck?: (provider: 'webgpu' | 'wasm') => Promise<AttentionCheckResult>;
  }
}

window.__ableEngineCheck = (provider) => runAttentionCheck(webRuntime([provider]));
