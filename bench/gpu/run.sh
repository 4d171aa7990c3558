#!/usr/bin/env bash
# The prepared GPU benchmark (issue 14): builds the app, then embeds SmolLM2-135M and
# Qwen2.5-Coder-0.5B in Chromium's WebGPU on this machine's GPU. Installs nothing from the network;
# needs node_modules (npm ci done), /usr/bin/chromium (or CHROMIUM_PATH) and the two GGUF files in
# ABLE_MODELS_DIR. Writes bench/gpu/results.json (time, provider, adapter per model).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${ABLE_MODELS_DIR:?set ABLE_MODELS_DIR to the folder with the GGUF files}"
npx vite build >/dev/null
timeout 590 npx playwright test -c bench/gpu/playwright.config.ts
cat bench/gpu/results.json
