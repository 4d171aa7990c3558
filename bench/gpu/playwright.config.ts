import { defineConfig } from '@playwright/test';

// The GPU benchmark (bench/gpu/run.sh): the production build in Chromium with WebGPU on the
// machine's real GPU (Vulkan). Not part of npm test; see bench/gpu/README.md.
const port = Number(process.env.ABLE_E2E_PORT ?? 4300);

export default defineConfig({
  testDir: '.',
  testMatch: 'gpu.spec.ts',
  timeout: 600_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/gpu',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Linux: WebGPU needs Vulkan and an unblocked GPU; headless keeps the hardware adapter with these.
      args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan', '--ignore-gpu-blocklist', '--disable-quic', '--disable-background-networking'],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
