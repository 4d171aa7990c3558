// `able info`: versions, and the onnxruntime backends that can actually run a graph here (the
// binding lists every backend it was built with, CUDA and TensorRT included, GPU or not).
import * as ort from 'onnxruntime-node';
import pkg from '../../package.json' with { type: 'json' };
import { buildEngineCheck } from '../models/engine-check';
import { nodeRuntime } from '../platform/node/runtime-node';
import { commands } from './commands';

commands.push({
  name: 'info',
  summary: 'versions and the compute backends that run here',
  help: 'Usage: able info',
  async run() {
    const built = (ort.listSupportedBackends?.() ?? [{ name: 'cpu' }]).map((b: { name: string }) => b.name);
    console.log(`able-atlas ${pkg.version}`);
    console.log(`node ${process.version} (${process.platform}-${process.arch})`);
    console.log(`onnxruntime-node ${ort.env.versions?.common ?? 'unknown'}`);
    // A backend counts when it loads and runs the engine check graph (a one-layer random model);
    // the ones that cannot load say why on stderr, which is noise here.
    ort.env.logLevel = 'fatal';
    const { model, feeds } = buildEngineCheck();
    const runs: string[] = [];
    const not: string[] = [];
    for (const name of built) {
      try {
        const s = await nodeRuntime.createSession(model, { providers: [name] });
        await s.run(feeds);
        await s.release();
        runs.push(name);
      } catch {
        not.push(name);
      }
    }
    console.log(`backends: ${runs.join(', ') || 'none'}`);
    if (not.length) console.log(`built in but not runnable here: ${not.join(', ')}`);
    return 0;
  },
});
