// Node binding (onnxruntime-node). Node-only: imported by the CLI, tests and benches, never
// by the app.
import * as ort from 'onnxruntime-node';
import { makeRuntime, type OrtModule, type Runtime } from '../../engine/runtime.ts';

export const nodeRuntime: Runtime = makeRuntime(
  ort as unknown as OrtModule,
  'onnxruntime-node',
  { providers: ['cpu'] },
  (o) => o.threads ?? null,
);
