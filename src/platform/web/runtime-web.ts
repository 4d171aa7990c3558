// onnxruntime-web binding: WebGPU first, then WASM by default (the provider that actually
// loaded the model is reported). Works in the browser and in Node (WASM only there).
import * as ort from 'onnxruntime-web';
import { makeRuntime, type OrtModule, type Runtime } from '../../engine/runtime.ts';
import { mountLazy } from './lazy-weights.ts';

export function webRuntime(providers: string[] = ['webgpu', 'wasm']): Runtime {
  return makeRuntime(
    ort as unknown as OrtModule,
    `onnxruntime-web/${providers.join('>')}`,
    { providers },
    () => ort.env.wasm.numThreads ?? null,
    undefined,
    mountLazy,
  );
}

export { ort as ortWeb };
