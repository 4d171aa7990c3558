import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './ErrorBoundary';
import { configureOrt } from './ort';
import './engine-check'; // window.__ableEngineCheck: the e2e engine parity hook
import './styles.css';

const { threads, note } = configureOrt();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary what="the app">
      <App threads={threads} threadsNote={note} />
    </ErrorBoundary>
  </StrictMode>,
);
