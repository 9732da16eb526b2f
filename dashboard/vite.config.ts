import { defineConfig } from 'vite';

// The build goes into dist/ in one flat folder: Energy.Scheduler embeds dist/* as resources wwwroot.NAME
// (Energy.Scheduler.csproj, target BuildDashboard) and serves them at / with no CDN.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: '',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  server: {
    // npm run dev beside heatgrid run on 127.0.0.1:8080: the API through Vite's proxy.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
