import { useEffect, useState } from 'react';
import { whenIdle } from './idle';
import { AboutPanel, useSelfTest } from './AboutPanel';
import { type BackendInfo, detectBackend } from './backend';
import { useAtlas } from './data/useAtlas';
import { ErrorBoundary } from './ErrorBoundary';
import { Explorer } from './Explorer';
import { Header } from './Header';
import { LoadingView } from './LoadingView';
import { useUrlState } from './state/useUrlState';

export function App({ threads, threadsNote = null }: { threads: number; threadsNote?: string | null }) {
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  // requestAdapter holds the main thread for ~80 ms (WebGPU startup): not before the map's first paint
  useEffect(() => {
    let live = true;
    const cancel = whenIdle(() => {
      detectBackend(threads).then((b) => live && setBackend(b));
    });
    return () => {
      live = false;
      cancel();
    };
  }, [threads]);
  const atlas = useAtlas();
  const { view, setView, problems } = useUrlState();
  const selfTest = useSelfTest();
  const about = <AboutPanel backend={backend} selfTest={selfTest} spec={atlas.status === 'ready' ? atlas.data.meta.spec : null} />;
  return (
    <div className="app">
      <Header backend={backend} />
      {threadsNote && (
        <div className="notice" role="alert" data-testid="threads-note">
          {threadsNote}.
        </div>
      )}
      {problems.length > 0 && (
        <div className="notice" role="alert" data-testid="link-problems">
          This link was partly invalid, so defaults were used for: {problems.join('; ')}.
        </div>
      )}
      {atlas.status === 'ready' ? (
        <ErrorBoundary what="the atlas view">
          <Explorer data={atlas.data} vectorsLoad={atlas.vectors} view={view} setView={setView} about={about} />
        </ErrorBoundary>
      ) : (
        <main className="main">
          <LoadingView load={atlas} />
          {about}
        </main>
      )}
    </div>
  );
}
