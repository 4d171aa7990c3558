// npm run bench -- [--quick] [--only NAME[,NAME]] [--reps N] [--out FILE]
import { BENCH_HELP, parseBenchArgs, runBench } from './runner.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) console.log(`Usage: npm run bench -- [options]\n\n${BENCH_HELP}`);
else process.exitCode = await runBench(parseBenchArgs(args));
// onnxruntime-web's worker threads (if any were started) would keep the process alive.
process.exit();
