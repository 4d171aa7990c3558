import { useState } from 'react';
import type { AbleSpec } from '../able/spec';
import type { BackendInfo } from './backend';
import { MethodDocButton } from './MethodDoc';
import { runSelfTest, type SelfTestResult } from './self-test';

export type SelfTestState = SelfTestResult | { error: string } | null;

/** The self-test's state lives in App: the panel remounts when the atlas finishes loading. */
export function useSelfTest() {
  const [result, setResult] = useState<SelfTestState>(null);
  const [running, setRunning] = useState(false);
  return { result, setResult, running, setRunning };
}

const NORMALIZATION_TEXT: Record<AbleSpec['normalization'], string> = {
  'l1-per-probe+l2': 'each probe L1-normalized',
  'l2-per-probe+sqrt-words+l2': 'each probe L2-normalized and weighted by the square root of its word count',
};

/** The method the atlas was computed with, read from its spec (the tab embeds under the same one). */
function methodText(spec: AbleSpec): string {
  return `method v${spec.methodVersion}: ${spec.attribution} attributions on probe set ${spec.probeSet.id}, ${NORMALIZATION_TEXT[spec.normalization]}`;
}

export function AboutPanel({
  backend,
  selfTest,
  spec = null,
}: {
  backend: BackendInfo | null;
  selfTest: ReturnType<typeof useSelfTest>;
  spec?: AbleSpec | null;
}) {
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
      {spec && (
        <p data-testid="atlas-method">
          This atlas: {methodText(spec)}.
        </p>
      )}
      <p>
        <MethodDocButton />: how well map distances follow lineage and behaviour, measured on the lineage lab.
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
