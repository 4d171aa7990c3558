// Run work when the main thread is idle (requestIdleCallback; a timeout where there is none, as in
// Safari): for what the first paint of the map does not need. Returns a cancel function.
export function whenIdle(cb: () => void, timeoutMs = 2000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const h = requestIdleCallback(cb, { timeout: timeoutMs });
    return () => cancelIdleCallback(h);
  }
  const h = setTimeout(cb, 50);
  return () => clearTimeout(h);
}
