import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { configureOrt } from '../platform/web/ort';
import './engine-check'; // window.__ableEngineCheck: the e2e engine parity hook
import './styles.css';

const { threads } = configureOrt();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App threads={threads} />
  </StrictMode>,
);
