# Sourced (with $venv set) by scripts/parity.sh and reference/lab/run.sh: the Python reference
# environment, (re)installed when the pinned requirements change; a stamp holds the installed list's hash.
want=$(sha256sum reference/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  echo "setting up the Python reference in $venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r reference/requirements.txt 2>&1 | grep -v '^WARNING: Location' || true
  "$venv/bin/python" -c 'import torch, transformers, gguf, accelerate'
  echo "$want" > "$venv/.requirements.sha256"
fi
