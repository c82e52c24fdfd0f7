import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.PARLEY_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/trpc': { target: api, changeOrigin: false } },
  },
  build: { target: 'es2022', sourcemap: true },
});
