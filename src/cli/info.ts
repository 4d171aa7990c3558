import * as ort from 'onnxruntime-node';
import pkg from '../../package.json' with { type: 'json' };
import { commands } from './commands';

commands.push({
  name: 'info',
  summary: 'versions and the compute backends onnxruntime offers here',
  help: 'Usage: able info',
  async run() {
    const backends = ort.listSupportedBackends?.() ?? [];
    console.log(`able-atlas ${pkg.version}`);
    console.log(`node ${process.version} (${process.platform}-${process.arch})`);
    console.log(`onnxruntime-node ${ort.env.versions?.common ?? 'unknown'}`);
    console.log(`backends: ${backends.map((b: { name: string }) => b.name).join(', ') || 'cpu'}`);
    return 0;
  },
});
