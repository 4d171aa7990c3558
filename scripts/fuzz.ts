// `npm run fuzz`: every target of test/fuzz/targets.ts for 100,000 cases (--cases N, --seed S,
// --only NAME, --out FILE.json), each target in its own worker thread with a heap cap (a runaway
// allocation ends that worker, reported as a crash, instead of the machine) and a watchdog (no
// progress for --stall-s seconds = a hang). Reports cases, accepted, distinct error kinds,
// crashes, hangs and peak memory per target; exits 1 when any crash or hang was found.
import { writeFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

if (!isMainThread) {
  const { fuzz } = await import('../test/fuzz/runner.ts');
  const { TARGETS } = await import('../test/fuzz/targets.ts');
  const t = TARGETS.find((x) => x.name === workerData.name)!;
  const current = new Int32Array(workerData.current as SharedArrayBuffer);
  const rep = await fuzz(t, {
    // the case now running, readable by the watchdog even while this thread is stuck
    onCase: (i) => Atomics.store(current, 0, i),
    numRuns: workerData.cases,
    seed: workerData.seed,
    caseTimeoutMs: workerData.caseTimeoutMs,
    onProgress: (n) => parentPort!.postMessage({ progress: n }),
  });
  parentPort!.postMessage({ report: rep });
} else {
  const cases = Number(arg('--cases', process.env.ABLE_FUZZ_CASES ?? '100000'));
  const seed = Number(arg('--seed', '20261204'));
  const only = arg('--only', '');
  const out = arg('--out', '');
  const stallS = Number(arg('--stall-s', '120'));
  const heapMb = Number(arg('--heap-mb', '2048'));
  const { TARGETS } = await import('../test/fuzz/targets.ts');
  const names = TARGETS.map((t) => t.name).filter((n) => !only || n === only);
  const reports: any[] = [];
  for (const name of names) {
    const t0 = Date.now();
    const rep = await new Promise<any>((resolve) => {
      let last = Date.now();
      let done = 0;
      const currentBuf = new SharedArrayBuffer(4);
      const caseNow = () => Atomics.load(new Int32Array(currentBuf), 0);
      // a worker does not inherit tsx's loader: register it, then load this file as the worker
      const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
      const w = new Worker(boot, {
        eval: true,
        workerData: { name, cases, seed, caseTimeoutMs: 2000, current: currentBuf },
        resourceLimits: { maxOldGenerationSizeMb: heapMb },
      });
      const fail = (what: 'crashes' | 'hangs', kind: string, message: string) => {
        clearInterval(dog);
        resolve({
          target: name,
          cases: done,
          accepted: 0,
          errorKinds: {},
          crashes: [],
          hangs: [],
          peakRssMiB: 0,
          // replay: test/fuzz/replay.ts NAME CASE (same seed) prints the input
          [what]: [{ kind, message, input: `case ${caseNow()} (seed ${seed}; replay with tsx test/fuzz/replay.ts "${name}" ${caseNow()} ${seed})` }],
        });
      };
      const dog = setInterval(() => {
        if (Date.now() - last > stallS * 1000) {
          w.terminate();
          fail('hangs', 'stalled', `no progress for ${stallS} s after ${done} cases`);
        }
      }, 1000);
      w.on('message', (m) => {
        last = Date.now();
        if (m.progress) {
          done = m.progress;
          if (done % 10000 === 0) process.stderr.write(`  ${name}: ${done} cases\n`);
        }
        if (m.report) {
          clearInterval(dog);
          resolve(m.report);
        }
      });
      w.on('error', (e) => fail('crashes', (e as NodeJS.ErrnoException).code ?? e.name, e.message));
    });
    rep.wallS = Math.round((Date.now() - t0) / 1000);
    reports.push(rep);
    const kinds = Object.keys(rep.errorKinds).length;
    console.log(
      `${name.padEnd(16)} ${String(rep.cases).padStart(7)} cases  ${String(rep.accepted).padStart(6)} accepted  ${String(kinds).padStart(4)} error kinds  ` +
        `${rep.crashes.length} crashes  ${rep.hangs.length} hangs  peak RSS ${rep.peakRssMiB} MiB  ${rep.wallS} s`,
    );
    for (const c of [...rep.crashes, ...rep.hangs].slice(0, 5)) console.log(`    ${c.kind}: ${c.message}${c.index !== undefined ? ` (case ${c.index})` : ''}\n      input: ${c.input}`);
  }
  if (out) writeFileSync(out, `${JSON.stringify({ cases, seed, date: new Date().toISOString(), reports }, null, 1)}\n`);
  const bad = reports.some((r) => r.crashes.length > 0 || r.hangs.length > 0 || r.cases < cases);
  process.exit(bad ? 1 : 0);
}
