import { useState } from 'react';
import type { BackendInfo } from './backend';
import { runSelfTest, type SelfTestResult } from './self-test';

export type SelfTestState = SelfTestResult | { error: string } | null;

/** The self-test's state lives in App: the panel remounts when the atlas finishes loading. */
export function useSelfTest() {
  const [result, setResult] = useState<SelfTestState>(null);
  const [running, setRunning] = useState(false);
  return { result, setResult, running, setRunning };
}

export function AboutPanel({ backend, selfTest }: { backend: BackendInfo | null; selfTest: ReturnType<typeof useSelfTest> }) {
  const { result, setResult, running, setRunning } = selfTest;
  const run = async () => {
    setRunning(true);
    try {
      setResult(await runSelfTest());
    } catch (e) {
      setResult({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      setRunning(false);
    }
  };
  return (
    <aside className="about" data-testid="about-panel" aria-label="About">
      <h2>About</h2>
      <p>
        ABLE represents a language model by its gradient-based word attributions on a fixed probe set, so models with
        different tokenizers share one coordinate system. Nearby points are models that attend to the same words.
      </p>
      <dl className="backend-details">
        <dt>WebGPU</dt>
        <dd data-testid="webgpu-adapter">{backend ? (backend.adapter ?? 'not available') : '…'}</dd>
        <dt>Cross-origin isolated</dt>
        <dd>{backend ? String(backend.crossOriginIsolated) : '…'}</dd>
        <dt>WASM threads</dt>
        <dd data-testid="wasm-threads">{backend ? backend.threads : '…'}</dd>
      </dl>
      <button type="button" onClick={run} disabled={running} data-testid="self-test">
        {running ? 'Running…' : 'Run engine self-test'}
      </button>
      {result && (
        <output data-testid="self-test-result" data-ok={'ok' in result && result.ok ? 'yes' : 'no'}>
          {'error' in result
            ? `Self-test failed: ${result.error}`
            : `${result.ok ? 'OK' : 'WRONG RESULT'}: ${result.provider}, ${result.threads} threads, ${result.ms.toFixed(0)} ms`}
        </output>
      )}
    </aside>
  );
}
