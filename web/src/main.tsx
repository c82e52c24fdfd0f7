// Entry point: build the runtime once and render the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createRuntime } from './app/runtime';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App runtime={createRuntime()} />
    </StrictMode>,
  );
}
