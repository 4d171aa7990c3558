// tab-embed: the in-tab embedding (the app's own embed worker, onnxruntime-web on WASM) in Chromium
// against `able embed`'s code path in Node (bench/embed-memory.ts in a child process), per real
// model, on the same probes (2 per length bucket of v1, 1 with --quick: every session size the
// full run builds) and the same thread counts (1 and the cores, at most 2 here).
// - memory: peak RSS of the renderer processes (the page and its workers: dedicated workers and
//   onnxruntime-web's pthreads are threads of the page's renderer process) over the float32 weight
//   bytes (goal <= 2). The browser is a child of this process (Playwright launches it), so its
//   renderers are this process's descendants whose command line has --type=renderer; each one's
//   VmHWM (/proc/PID/status, the kernel's peak RSS) is summed, at the end and at every sample (a
//   renderer that exits takes its VmHWM along). A fresh browser per run keeps the peak that run's. RSS is also sampled every 200 ms, with the worker's phase events, to show
//   where the memory goes (file read / dequant, session create, run).
// - speed: the tab's embedModel time (sessions + probes, as the worker reports it) over Node's, per
//   thread count (goal <= 2), run alternately.
// The app is the e2e build (the worker takes a probe subset there: EmbedRequest.probeIds), built
// into a temporary folder (or ABLE_BENCH_APP=dist-e2e to reuse one) and served from a loopback
// server with the headers `npm start` sends for cross-origin isolation (threads need it).
// ABLE_BENCH_MODELS=name,name picks models by file-name prefix; ABLE_BENCH_THREADS=1,2 the counts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Benchmark, type BenchRow, summarize } from './lib/measure.ts';
import { serveApp } from './lib/serve-app.ts';
import { type EmbedMemoryResult, embedMemoryChild, modelPath, REAL_MODELS } from './model-memory.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;

/** Descendant pids of `pid` (by walking /proc's parent links). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    for (const [c, pp] of parent)
      if (pp === p) {
        out.push(c);
        stack.push(c);
      }
  }
  return out;
}

function status(pid: number): { rss: number; hwm: number; anon: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon') };
  } catch {
    return null;
  }
}

const isRenderer = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
  } catch {
    return false;
  }
};

/**
 * The renderers' summed current RSS, its anonymous part (RssAnon: heaps, the WASM memory; the rest
 * is file pages, mostly Chromium's own code shared with every process) and their summed peaks (VmHWM).
 */
function rendererMemory(): { rss: number; hwm: number; anon: number; n: number } {
  let rss = 0;
  let hwm = 0;
  let anon = 0;
  let n = 0;
  for (const p of descendants(process.pid)) {
    if (!isRenderer(p)) continue;
    const s = status(p);
    if (!s) continue;
    rss += s.rss;
    hwm += s.hwm;
    anon += s.anon;
    n++;
  }
  return { rss, hwm, anon, n };
}

interface TabRun {
  peakMiB: number;
  /** the highest sampled anonymous RSS (every 200 ms) */
  anonPeakMiB: number;
  embedMs: number;
  wallMs: number;
  probeTimingsMs: number[];
  vector: number[];
  provider: string;
  /** sampled renderer RSS (MiB) at the worker's phase events, and the highest sample in each phase */
  phases: { phase: string; s: number; rssMiB: number; maxMiB: number }[];
  error?: string;
}

function cosine(a: number[], b: number[]): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

export const tabEmbed: Benchmark = {
  name: 'tab-embed',
  summary: 'in-tab embedding (Chromium, WASM): renderer peak RSS / float32 weights per model; tab / Node time per thread count',
  async run(ctx) {
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromium)) return { rows: [], skipped: `no Chromium at ${chromium} (CHROMIUM_PATH)` };
    if (!existsSync('/proc/self/status')) return { rows: [], skipped: 'needs Linux /proc for the renderer processes\' memory' };
    const pick = process.env.ABLE_BENCH_MODELS?.split(',').map((m) => m.trim().toLowerCase());
    const files = pick ? REAL_MODELS.filter((f) => pick.some((m) => f.toLowerCase().startsWith(m))) : REAL_MODELS.slice(0, ctx.quick ? 1 : 3);
    const cores = cpus().length;
    const threadCounts = process.env.ABLE_BENCH_THREADS?.split(',').map(Number) ?? [...new Set([1, Math.min(cores, ctx.quick ? 1 : 4)])];
    // full runs: as many probes per bucket as one call of a full run holds (embed-memory's default)
    const subset = ctx.quick ? ['--per-bucket', '1'] : [];
    const { chromium: pw } = await import('@playwright/test');

    const reuse = process.env.ABLE_BENCH_APP;
    const out = reuse ? resolve(root, reuse) : mkdtempSync(join(tmpdir(), 'able-bench-tab-'));
    const rows: BenchRow[] = [];
    try {
      if (!reuse) {
        ctx.log('  building the app (vite build --mode e2e)...');
        execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
      }
      const worker = readdirSync(join(out, 'assets')).find((f) => /^embed\.worker-.*\.js$/.test(f));
      if (!worker) throw new Error(`no embed.worker-*.js in ${out}/assets`);
      const page = '<!doctype html><title>tab-embed</title><input type="file" id="f">';
      const { origin, close } = await serveApp(out, (path) => (path === '/bench.html' ? { body: page, type: 'text/html' } : null));

      /** One in-tab embedding in a fresh browser: the worker gets the file, the probe ids and the threads. */
      const tabRun = async (path: string, probeIds: string[], threads: number): Promise<TabRun> => {
        const browser = await pw.launch({ executablePath: chromium, args: ['--enable-unsafe-webgpu', '--disable-quic', '--disable-background-networking', '--disable-component-update'] });
        const samples: { t: number; rss: number; hwm: number; anon: number }[] = [];
        const timer = setInterval(() => samples.push({ t: Date.now(), ...rendererMemory() }), 200);
        try {
          const page = await browser.newPage();
          await page.goto(`${origin}/bench.html`);
          await page.locator('#f').setInputFiles(path);
          const t0 = Date.now();
          const r = (await page.evaluate(
            `new Promise((resolve) => {
              const events = [];
              const w = new Worker('/assets/${worker}', { type: 'module' });
              const file = document.getElementById('f').files[0];
              w.onmessage = (ev) => {
                const e = ev.data;
                if (e.type === 'phase') events.push({ phase: e.phase + (e.phase === 'session' ? ' ' + e.detail.replace(/^building the graph for length (\\d+).*/, 'T=$1') : ''), t: Date.now() });
                if (e.type === 'probe' && e.done === 1) events.push({ phase: 'probes', t: Date.now() });
                if (e.type === 'done') { events.push({ phase: 'done', t: Date.now() }); resolve({ events, embedMs: e.embedMs, wallMs: e.wallMs, provider: e.provider, vector: Array.from(e.record.vector), probeTimingsMs: e.record.probeTimingsMs }); w.terminate(); }
                if (e.type === 'error') resolve({ events, error: e.message });
              };
              w.onerror = (e) => resolve({ events, error: String(e.message) });
              w.postMessage({ type: 'start', source: { kind: 'files', files: [file], name: file.name }, backend: 'wasm', threads: ${threads},
                atlasSpec: null, atlasSpecHash: null, maxWeightBytes: 1e12, probeIds: ${JSON.stringify(probeIds)} });
            })`,
          )) as { events: { phase: string; t: number }[]; embedMs?: number; wallMs?: number; provider?: string; vector?: number[]; probeTimingsMs?: number[]; error?: string };
          const mem = rendererMemory();
          const ev = [{ phase: 'start', t: t0 }, ...r.events];
          const phases = ev.map((e, i) => {
            const next = ev[i + 1]?.t ?? Date.now();
            const inside = samples.filter((s) => s.t >= e.t && s.t < next).map((s) => s.rss);
            const at = samples.find((s) => s.t >= e.t)?.rss ?? mem.rss;
            return { phase: e.phase, s: (e.t - t0) / 1000, rssMiB: Math.round(at / MiB), maxMiB: Math.round(Math.max(at, ...inside) / MiB) };
          });
          const anonPeakMiB = Math.round(Math.max(mem.anon, ...samples.map((x) => x.anon)) / MiB);
          // a renderer gone before the end takes its VmHWM with it: the highest sum seen counts too
          const peak = Math.max(mem.hwm, ...samples.map((x) => Math.max(x.hwm, x.rss)));
          return { peakMiB: Math.round(peak / MiB), anonPeakMiB, embedMs: r.embedMs ?? Number.NaN, probeTimingsMs: r.probeTimingsMs ?? [], wallMs: r.wallMs ?? Number.NaN, vector: r.vector ?? [], provider: r.provider ?? '?', phases, error: r.error };
        } finally {
          clearInterval(timer);
          await browser.close();
        }
      };

      try {
        for (const f of files) {
          const path = modelPath(f);
          if (!path) {
            ctx.log(`  ${f}: not in $ABLE_MODELS_DIR or /tmp/models, skipped`);
            continue;
          }
          const name = f.replace(/\.gguf$/, '');
          const node: Record<number, EmbedMemoryResult> = {};
          const tab: Record<number, TabRun> = {};
          for (const [i, threads] of threadCounts.entries()) {
            // alternate which side goes first (the machine is shared: load drifts)
            const order = (i + files.indexOf(f)) % 2 ? ['tab', 'node'] : ['node', 'tab'];
            for (const side of order) {
              if (side === 'node') {
                node[threads] = embedMemoryChild(path, [...subset, '--threads', String(threads)]);
              } else {
                // the Node run picks the probes (first k per bucket under the model's tokenizer)
                const ids = (node[threads] ?? embedMemoryChild(path, [...subset, '--threads', String(threads)])).probeIds;
                tab[threads] = await tabRun(path, ids, threads);
              }
            }
            const n = node[threads];
            const t = tab[threads];
            const nodeMs = embedMs(n);
            const f32MiB = n.f32Bytes / MiB;
            if (t.error) {
              ctx.log(`  ${name}, ${threads} thread(s): the tab failed: ${t.error}`);
              rows.push({
                bench: 'tab-embed', case: `${name}, ${threads} thr`, subject: 'tab (failed)', reference: 'Node', subjectMs: summarize([Number.NaN]), referenceMs: summarize([nodeMs]),
                ratio: Number.NaN, ratioMin: Number.NaN, notes: `tab error: ${t.error}`,
              });
              continue;
            }
            const cos = cosine(t.vector, n.vector);
            ctx.log(
              `  ${name}, ${threads} thread(s), ${n.probeIds.length} probes: tab ${(t.embedMs / 1000).toFixed(1)} s, Node ${(nodeMs / 1000).toFixed(1)} s (${(t.embedMs / nodeMs).toFixed(2)}x); ` +
                `renderer peak ${t.peakMiB} MiB = ${(t.peakMiB / f32MiB).toFixed(2)}x float32 weights (${f32MiB.toFixed(0)} MiB), anonymous ${t.anonPeakMiB} MiB = ${(t.anonPeakMiB / f32MiB).toFixed(2)}x; Node peak ${n.peakMiB} MiB; cosine tab/Node ${cos.toFixed(7)}`,
            );
            ctx.log(`    tab phases (s: renderer RSS at start / max in phase, MiB): ${t.phases.map((p) => `${p.phase} ${p.s.toFixed(1)}: ${p.rssMiB}/${p.maxMiB}`).join('; ')}`);
            rows.push({
              bench: 'tab-embed', case: `${name}, ${threads} thr, ${n.probeIds.length} probes`, subject: 'tab (WASM)', reference: 'Node',
              subjectMs: summarize([t.embedMs]), referenceMs: summarize([nodeMs]), ratio: t.embedMs / nodeMs, ratioMin: t.embedMs / nodeMs,
              notes: `goal <= 2; embedModel time (sessions + probes); cosine tab/Node ${cos.toFixed(7)}; tab wall ${(t.wallMs / 1000).toFixed(1)} s`,
            });
            // per probe (the sessions excluded): what dominates a full 161-probe run
            const tp = summarize(t.probeTimingsMs);
            const np = summarize(n.probeTimingsMs);
            ctx.log(`    per probe: tab median ${tp.median.toFixed(0)} ms, Node ${np.median.toFixed(0)} ms (${(tp.median / np.median).toFixed(2)}x)`);
            rows.push({
              bench: 'tab-embed', case: `${name}, ${threads} thr, ${n.probeIds.length} probes`, subject: 'tab probe', reference: 'Node probe',
              subjectMs: tp, referenceMs: np, ratio: tp.median / np.median, ratioMin: tp.min / np.min,
              notes: 'goal <= 2; one probe\'s forward + backward, sessions excluded',
            });
            rows.push({
              bench: 'tab-embed', case: `${name}, ${threads} thr, ${n.probeIds.length} probes`, subject: 'renderer peak RSS', reference: 'f32 weights', unit: 'MiB',
              subjectMs: summarize([t.peakMiB]), referenceMs: summarize([f32MiB]), ratio: t.peakMiB / f32MiB, ratioMin: t.peakMiB / f32MiB,
              notes: `goal <= 2; anonymous (sampled) ${t.anonPeakMiB} MiB = ${(t.anonPeakMiB / f32MiB).toFixed(2)}x; Node peak ${n.peakMiB} MiB (${(n.peakMiB / f32MiB).toFixed(2)}x); phases ${t.phases.map((p) => `${p.phase}@${p.s.toFixed(0)}s max ${p.maxMiB}`).join(', ')}`,
            });
          }
        }
      } finally {
        await close();
      }
    } finally {
      if (!reuse) rmSync(out, { recursive: true, force: true });
    }
    return { rows };
  },
};

/** Node's embedModel time: from the probes' tokenization to the end (sessions + probes). */
function embedMs(r: EmbedMemoryResult): number {
  const s = (name: string) => r.phases.find((p) => p.phase === name)?.s ?? Number.NaN;
  return (s('done') - s('probes tokenized')) * 1000;
}
