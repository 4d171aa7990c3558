// Node binding (onnxruntime-node). Node-only: imported by the CLI, tests and benches, never
// by the app.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { makeRuntime, type OrtModule, type Runtime } from '../../engine/runtime.ts';

let modelCount = 0;

export const nodeRuntime: Runtime = makeRuntime(
  ort as unknown as OrtModule,
  'onnxruntime-node',
  { providers: ['cpu'] },
  (o) => o.threads ?? null,
  {
    // The model proto is small (weights stay in their file); it is read once at session creation.
    write(dir, bytes) {
      const path = join(dir, `model-${process.pid}-${modelCount++}.onnx`);
      writeFileSync(path, bytes);
      return path;
    },
    remove: (path) => rmSync(path, { force: true }),
  },
);
