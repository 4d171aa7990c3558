import { defineConfig } from '@playwright/test';

// ABLE_E2E_PORT lets several checkouts run their e2e suites side by side.
const port = Number(process.env.ABLE_E2E_PORT ?? 4173);

// Tests run against the production build served by `vite preview` (what `npm start` serves, built
// with --mode e2e into dist-e2e/: the same app plus the engine-check hook, see src/app/main.tsx),
// in Debian's Chromium with WebGPU enabled (SwiftShader when there is no GPU).
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--enable-unsafe-webgpu', '--disable-quic', '--disable-background-networking', '--disable-component-update'],
    },
  },
  webServer: {
    // the CSP admits the hub origins; the embed suite's mocked hub is one more
    command: `npx vite preview --outDir dist-e2e --port ${port} --strictPort --host 127.0.0.1`,
    env: { ABLE_HUB_ORIGINS: 'https://huggingface.co https://*.huggingface.co https://*.hf.co https://hub.example.test' },
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
