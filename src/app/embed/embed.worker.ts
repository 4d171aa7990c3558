// Module Web Worker that computes one embedding (run-embed.ts) off the UI thread. Cancelling is
// terminating the worker: that stops onnxruntime mid-run and frees its memory at once.
import type { EmbedEvent, EmbedRequest } from './messages';
import { explainError, runEmbed } from './run-embed';

const scope = self as unknown as Worker;
const post = (e: EmbedEvent) => {
  if (e.type === 'done') scope.postMessage(e, [e.record.vector.buffer as ArrayBuffer]);
  else scope.postMessage(e);
};

/**
 * The e2e fault hook (messages.ts EmbedTestHook): wraps `post` so that the first event of the step
 * named crashes the worker (an uncaught Error, or the RangeError of a failed allocation), or
 * keeps the thread busy. Only in the e2e build:
 * Vite replaces import.meta.env.MODE, so production bundles drop this code.
 */
function withTestHook(req: EmbedRequest, send: typeof post): typeof post {
  const hook = import.meta.env.MODE === 'e2e' ? req.test : undefined;
  if (!hook) return send;
  let fired = false;
  let dead = false;
  return (e) => {
    if (dead) return;
    send(e);
    const step = e.type === 'phase' ? e.phase : e.type;
    if (fired || step !== hook.at) return;
    fired = true;
    if (hook.action === 'hold') {
      const until = performance.now() + (hook.ms ?? 5000);
      while (performance.now() < until) {
        // busy, as a long synchronous graph build or probe run is: only terminate() ends it
      }
      // a worker that outlived a cancel says so at once (the e2e test watches for it)
      send({ type: 'phase', phase: hook.at, detail: 'e2e hold over' });
      return;
    }
    dead = true; // nothing more from this worker: it is gone as far as the page can tell
    if (hook.action === 'vanish') {
      (self as unknown as { close(): void }).close(); // no error event: only the freed life lock tells the page
      return;
    }
    setTimeout(() => {
      // what V8 throws when an ArrayBuffer cannot be allocated (a real attempt is not portable:
      // the browser may reserve it lazily, or refuse the size as invalid)
      if (hook.action === 'oom') throw new RangeError('Array buffer allocation failed');
      throw new Error(`injected worker crash at ${hook.at} (e2e hook)`);
    });
  };
}

scope.onmessage = (ev: MessageEvent<EmbedRequest>) => {
  if (ev.data?.type !== 'start') return;
  const req = ev.data;
  const send = withTestHook(req, post);
  const run = () => runEmbed(req, send).catch((e: unknown) => send({ type: 'error', message: explainError(e) }));
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!req.lifeLock || !locks) {
    void run();
    return;
  }
  // Held until this worker ends, however it ends (terminated, closed, killed): the page waits on it.
  void locks.request(req.lifeLock, () => {
    post({ type: 'alive' });
    void run();
    return new Promise<never>(() => {});
  });
};
