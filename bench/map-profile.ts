// Where the time to interactive goes at 10,000 models: serves a built app (argv[2], e.g. a
// `vite build --minify false` output) with map-frame's fixture, records a CPU profile (CDP) from
// navigation to the first map paint + 1 frame, and prints resource timings and the heaviest
// functions by self and total time. A diagnostic, not a benchmark: no repetitions.
import { resolve } from 'node:path';
import { benchAtlas } from './map-frame.ts';
import { atlasRoutes, serveApp } from './lib/serve-app.ts';

const out = resolve(process.argv[2] ?? 'dist');
const n = Number(process.argv[3] ?? 10000);
const { chromium } = await import('@playwright/test');
const atlas = benchAtlas(n, false);
const json = JSON.stringify(atlas.json);
const { origin, close } = await serveApp(out, atlasRoutes(() => ({ json, f16: atlas.f16 })));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
type TraceEvent = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: Record<string, unknown> };
/** Main-thread time of the renderer by top-level trace event (nested events folded into their parent),
 * and the long ones in order, from navigation start. */
function timeline(evs: TraceEvent[]) {
  // the renderer main thread that worked most (navigation may switch processes: COOP)
  const busy = (t: TraceEvent) => evs.filter((x) => x.pid === t.pid && x.tid === t.tid && x.ph === 'X').reduce((s, x) => s + (x.dur ?? 0), 0);
  const main = evs.filter((e) => e.name === 'thread_name' && (e.args as { name?: string })?.name === 'CrRendererMain').sort((a, b) => busy(b) - busy(a))[0];
  if (!main) return console.log('  (no renderer main thread in the trace)');
  const nav = (evs.find((e) => e.pid === main.pid && e.name === 'navigationStart') ?? evs.find((e) => e.pid === main.pid && e.name === 'ParseHTML'))!.ts;
  const xs = evs.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const byName = new Map<string, number>();
  let end = 0;
  const long: string[] = [];
  for (const e of xs) {
    if (e.ts < end) continue; // nested
    end = e.ts + e.dur!;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur! / 1000);
    if (e.dur! > 15000) {
      // what the task holds: rendering phases and script, each summed over the task
      const inner = new Map<string, number>();
      for (const x of xs)
        if (x !== e && x.ts >= e.ts && x.ts < end && /^(Layout|UpdateLayoutTree|PrePaint|Paint|Commit|Layerize|FunctionCall|EvaluateScript|MajorGC|MinorGC|TimerFire|FireAnimationFrame|ParseHTML|XHRLoad|ResourceReceivedData)$/.test(x.name))
          inner.set(x.name, (inner.get(x.name) ?? 0) + x.dur! / 1000);
      const what = [...inner].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
      long.push(`    ${((e.ts - nav) / 1000).toFixed(0).padStart(6)} +${(e.dur! / 1000).toFixed(0).padStart(5)} ms  ${e.name}: ${what}`);
    }
  }
  console.log(`  main thread by top-level event:\n${[...byName].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `    ${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n')}`);
  console.log(`  long top-level events (from first ParseHTML):\n${long.join('\n')}`);
  // layout/style/paint nested anywhere
  const nested = new Map<string, number>();
  for (const e of xs) if (/Layout|UpdateLayoutTree|RecalcStyle|Paint|Raster|ParseHTML|GC|Commit|PrePaint|Layerize/.test(e.name)) nested.set(e.name, (nested.get(e.name) ?? 0) + e.dur! / 1000);
  console.log(`  rendering work (all levels):\n${[...nested].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `    ${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n')}`);
}
for (let rep = 0; rep < 2; rep++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const tracing = !process.env.NO_TRACE;
  if (tracing) await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing', 'v8.execute', 'disabled-by-default-devtools.timeline'] });
  await page.goto(`${origin}/`);
  await page.waitForFunction(`Number(document.querySelector('[data-testid=map-canvas]')?.dataset.drawn ?? 0) > 0`, null, { timeout: 120_000 });
  const tti = Number(await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(performance.now())))'));
  const { profile } = await cdp.send('Profiler.stop');
  if (tracing) timeline((JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents);
  const res = (await page.evaluate(
    `performance.getEntriesByType('resource').map((e) => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd), e.decodedBodySize])`,
  )) as [string, number, number, number][];
  console.log(`\n== rep ${rep}: ${n} models, TTI ${tti.toFixed(0)} ms`);
  console.log(await page.evaluate(`performance.getEntriesByType('mark').filter((m) => m.name.startsWith('PROF')).map((m) => '  ' + m.startTime.toFixed(0).padStart(6) + ' ' + m.name).join('\\n')`));
  for (const r of res) console.log(`  resource ${r[0]}: ${r[1]}..${r[2]} ms, ${(r[3] / 2 ** 20).toFixed(1)} MiB`);
  // self and total time per function (sampled)
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
  const nodes = new Map<number, Node>(profile.nodes.map((x: Node) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of profile.nodes as Node[]) for (const c of x.children ?? []) parent.set(c, x.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const name = (x: Node) => `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.split('/').pop()}:${x.callFrame.lineNumber + 1}`;
  const dts: number[] = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id: number, k: number) => {
    const dt = (dts[k + 1] ?? 0) / 1000;
    const x = nodes.get(id)!;
    self.set(name(x), (self.get(name(x)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let y: number | undefined = id; y !== undefined; y = parent.get(y)) {
      const nm = name(nodes.get(y)!);
      if (seen.has(nm)) continue;
      seen.add(nm);
      total.set(nm, (total.get(nm) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, t]) => `    ${t.toFixed(0).padStart(6)} ms  ${f}`).join('\n');
  console.log(`  self time:\n${top(self, 15)}`);
  console.log(`  total time:\n${top(total, 120)}`);
  await page.close();
}
await browser.close();
await close();
