// Module Web Worker that computes one embedding (run-embed.ts) off the UI thread. Cancelling is
// terminating the worker: that stops onnxruntime mid-run and frees its memory at once.
import type { EmbedEvent, EmbedRequest } from './messages';
import { explainError, runEmbed } from './run-embed';

const scope = self as unknown as Worker;
const post = (e: EmbedEvent) => {
  if (e.type === 'done') scope.postMessage(e, [e.record.vector.buffer as ArrayBuffer]);
  else scope.postMessage(e);
};

scope.onmessage = (ev: MessageEvent<EmbedRequest>) => {
  if (ev.data?.type !== 'start') return;
  runEmbed(ev.data, post).catch((e: unknown) => post({ type: 'error', message: explainError(e) }));
};
