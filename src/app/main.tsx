import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { configureOrt } from '../platform/web/ort';
import { ErrorBoundary } from './ErrorBoundary';
import './styles.css';

// window.__ableEngineCheck, the e2e engine parity hook: only in the e2e build (vite build --mode e2e),
// a dead branch the bundler drops from the shipped one.
if (import.meta.env.MODE === 'e2e') void import('./engine-check');

const { threads, note } = configureOrt();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary what="the app">
      <App threads={threads} threadsNote={note} />
    </ErrorBoundary>
  </StrictMode>,
);
