// One in-tab embedding job: starts embed.worker.ts, turns its events into a progress state with an
// ETA, and cancels by terminating the worker. The result stays in memory (never in the URL).
import { useCallback, useEffect, useRef, useState } from 'react';
import { type EmbedEvent, type EmbedPhase, type EmbedRequest, type EmbedTestHook, isOutOfMemory } from './messages';

export type DoneEvent = Extract<EmbedEvent, { type: 'done' }>;

export interface Running {
  status: 'running';
  phase: EmbedPhase;
  detail: string;
  /** 0..1 of the current stage (download bytes, or probes), null when unknown */
  fraction: number | null;
  etaS: number | null;
  probes: { done: number; total: number } | null;
  download: { bytesDone: number; bytesTotal: number | null } | null;
  /** what the job was asked to run on */
  provider: 'wasm' | 'auto';
}

export type JobState = { status: 'idle' } | Running | { status: 'done'; result: DoneEvent } | { status: 'error'; message: string } | { status: 'cancelled' };

/**
 * Seconds left at a constant rate since `t0` (ms); null until there is something to go on. Pass
 * weights (e.g. per-probe lengths) as done/total to weigh the work by what each step costs.
 */
export function eta(done: number, total: number | null, elapsedMs: number): number | null {
  if (total === null || done <= 0 || elapsedMs <= 0 || done > total) return null;
  return ((total - done) * elapsedMs) / done / 1000;
}

/** What the page says when the embedding worker dies. */
export function workerFailure(message: string | undefined, silent = false): string {
  if (silent)
    return 'the embedding worker stopped without a word (the browser ended it, most likely for lack of memory); the page still works: try a smaller model, or `able embed` in Node';
  const msg = message || 'no message';
  return isOutOfMemory(msg)
    ? `the embedding worker ran out of memory and was stopped (${msg}); the page still works: try a smaller model, or \`able embed\` in Node`
    : `the embedding worker crashed and was stopped (${msg}); the page still works: you can start again`;
}

export function useEmbedJob() {
  const [state, setState] = useState<JobState>({ status: 'idle' });
  const worker = useRef<Worker | null>(null);
  const stop = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
  }, []);
  useEffect(() => stop, [stop]);

  const start = useCallback((req: Omit<EmbedRequest, 'type'>, probeWeights: Record<string, number> = {}) => {
    stop();
    const w = new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    let downloadT0 = 0;
    let probeT0 = 0;
    let cur: Running = { status: 'running', phase: 'check', detail: 'starting', fraction: null, etaS: null, probes: null, download: null, provider: req.backend };
    // later probes are longer: the rate is per unit of probe weight (1 per probe when none given)
    const totalWeight = Object.values(probeWeights).reduce((a, b) => a + b, 0);
    let doneWeight = 0;
    setState(cur);
    // The worker holds a Web Lock while it lives; once it says so, the page queues for the same
    // lock, which it gets only when the worker is gone: if that happens while this job still runs,
    // the worker died without an error event (the browser killed it, e.g. out of memory).
    const lifeLock = `able-embed-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const watch = new AbortController();
    const watchLife = () =>
      navigator.locks
        ?.request(lifeLock, { signal: watch.signal }, () => {
          if (worker.current !== w) return;
          stop();
          setState({ status: 'error', message: workerFailure(undefined, true) });
        })
        .catch(() => {}); // aborted: the job ended first
    w.addEventListener('error', () => watch.abort());
    w.onmessage = (ev: MessageEvent<EmbedEvent>) => {
      const e = ev.data;
      const now = performance.now();
      if (e.type === 'alive') {
        void watchLife();
        return;
      }
      if (e.type === 'done' || e.type === 'error') watch.abort();
      if (e.type === 'done') {
        stop();
        setState({ status: 'done', result: e });
      } else if (e.type === 'error') {
        stop();
        setState({ status: 'error', message: e.message });
      } else {
        if (e.type === 'phase') cur = { ...cur, phase: e.phase, detail: e.detail, ...(e.phase === 'open' ? { fraction: null, etaS: null } : {}) };
        else if (e.type === 'download') {
          if (!downloadT0) downloadT0 = now;
          cur = {
            ...cur,
            phase: 'download',
            download: { bytesDone: e.bytesDone, bytesTotal: e.bytesTotal },
            fraction: e.bytesTotal ? Math.min(1, e.bytesDone / e.bytesTotal) : null,
            etaS: eta(e.bytesDone, e.bytesTotal, now - downloadT0),
          };
        } else if (e.type === 'probe') {
          // The clock starts at the first probe so the one-off session build does not skew the rate.
          if (!probeT0) probeT0 = now - e.ms;
          doneWeight += probeWeights[e.probeId] ?? 0;
          const weighted = totalWeight > 0 && doneWeight > 0;
          const etaS = weighted ? eta(doneWeight, totalWeight, now - probeT0) : eta(e.done, e.total, now - probeT0);
          cur = { ...cur, phase: 'probe', detail: `probe ${e.probeId}`, probes: { done: e.done, total: e.total }, fraction: e.done / e.total, etaS };
        }
        setState(cur);
      }
    };
    // A worker that dies (an uncaught error, a failed allocation) or whose message cannot be read:
    // the job ends with the reason, the worker is terminated, and the page carries on.
    w.onerror = (ev) => {
      ev.preventDefault();
      stop();
      setState({ status: 'error', message: workerFailure(ev.message) });
    };
    w.onmessageerror = () => {
      stop();
      setState({ status: 'error', message: 'the embedding worker sent a message the page could not read; the job was stopped' });
    };
    // e2e builds only: a fault to inject (window.__ableEmbedTest); Vite drops this in production
    const test = import.meta.env.MODE === 'e2e' ? ((window as { __ableEmbedTest?: EmbedTestHook }).__ableEmbedTest ?? undefined) : undefined;
    w.postMessage({ type: 'start', ...req, lifeLock, ...(test ? { test } : {}) } satisfies EmbedRequest);
  }, [stop]);

  const cancel = useCallback(() => {
    stop();
    setState({ status: 'cancelled' });
  }, [stop]);
  const clear = useCallback(() => {
    stop();
    setState({ status: 'idle' });
  }, [stop]);

  return { state, start, cancel, clear };
}
