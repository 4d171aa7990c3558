import { useEffect, useState } from 'react';
import { AboutPanel } from './AboutPanel';
import { type BackendInfo, detectBackend } from './backend';
import { Header } from './Header';
import { MapArea } from './MapArea';

export function App({ threads }: { threads: number }) {
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  useEffect(() => {
    detectBackend(threads).then(setBackend);
  }, [threads]);
  return (
    <div className="app">
      <Header backend={backend} />
      <main className="main">
        <MapArea />
        <AboutPanel backend={backend} />
      </main>
    </div>
  );
}
