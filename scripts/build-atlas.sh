#!/usr/bin/env bash
# Rebuild the shipped atlas (public/atlas/) where the Hugging Face hub is reachable: embeds every
# manifest model not embedded yet (finished files are skipped, failures recorded and retried on the
# next run), adds the committed lineage-lab embeddings, and merges.
#   bash scripts/build-atlas.sh [--shard i/n] [--threads N] [--offline]
# --offline skips the hub and only re-merges what is there (e.g. after adding lab embeddings).
# HF_TOKEN / HF_ENDPOINT are honoured; the work folder is ABLE_ATLAS_WORK (default .cache/atlas-embeddings).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${ABLE_ATLAS_WORK:-.cache/atlas-embeddings}"
mkdir -p "$work"
offline=0
args=()
for a in "$@"; do
  if [ "$a" = "--offline" ]; then offline=1; else args+=("$a"); fi
done
if [ "$offline" = 0 ]; then
  # A non-zero exit means some models failed (see $work/failures*.json); merge what succeeded.
  node bin/able.mjs atlas build --manifest data/manifest.json --out "$work" ${args[@]+"${args[@]}"} ||
    echo "build-atlas: some models failed; see $work/failures*.json (rerun to retry them)"
fi
cp lab/embeddings/*.able.json "$work"/
node bin/able.mjs atlas merge "$work" --out public/atlas --lab lab/lab.json
