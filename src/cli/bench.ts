// `able bench`: the benchmark runner of bench/ (ratios against references timed in the same run).
import { commands } from './commands.ts';

commands.push({
  name: 'bench',
  summary: 'run the performance benchmarks (ratios against in-run references)',
  // Help text is static so `able --help` never loads the benchmarks (onnxruntime, model code).
  help: [
    'Usage: able bench [--quick] [--only NAME[,NAME]] [--reps N] [--out FILE]',
    '',
    'Benchmarks: model-memory, node-vs-pytorch, map-knn, engine-grad-overhead, ort-web-vs-node, symbolic-vs-static,',
    'embed-real, dequant. Results: bench/results.json.',
    'See docs/benchmarks.md; `npm run bench -- --help` lists the options in full.',
  ].join('\n'),
  async run(args) {
    const { parseBenchArgs, runBench } = await import('../../bench/runner.ts');
    return runBench(parseBenchArgs(args));
  },
});
