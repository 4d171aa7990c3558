#!/usr/bin/env bash
# Embeds every model of the lineage lab (lab/lab.json) whose weights are at hand and whose embedding
# under the current spec is not in lab/embeddings/ yet; each is written under a temporary name and
# renamed when complete, so an interrupted run leaves nothing half-written and a rerun continues.
#   bash scripts/embed-lab.sh [--threads N] [id-substring ...]
# Then `bash scripts/build-atlas.sh --offline` merges them into public/atlas.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=()
if [ "${1:-}" = "--threads" ]; then threads=(--threads "$2"); shift 2; fi
node --input-type=module - "$@" <<'JS' > /tmp/embed-lab.todo
import { readFileSync, existsSync, readdirSync } from 'node:fs';
const want = process.argv.slice(2);
const have = new Set(readdirSync('lab/embeddings').map((f) => f.split('.')[0]));
for (const m of JSON.parse(readFileSync('lab/lab.json', 'utf8'))) {
  const key = m.id.replace(/\//g, '__');
  if (have.has(key) || !existsSync(m.path)) continue;
  if (want.length && !want.some((w) => m.id.includes(w))) continue;
  console.log(`${m.id}\t${m.path}\t${key}`);
}
JS
n=$(wc -l < /tmp/embed-lab.todo)
echo "embed-lab: $n model(s) to embed"
while IFS=$'\t' read -r id path key; do
  echo "embed-lab: $id ($path)"
  tmp="lab/embeddings/.$key.partial.able.json"
  node bin/able.mjs embed "$path" --name "$id" ${threads[@]+"${threads[@]}"} --where "able embed (onnxruntime-node) on the lab machine" --out "$tmp"
  spec=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$tmp','utf8')).specHash.slice(0,12))")
  mv "$tmp" "lab/embeddings/$key.$spec.able.json"
done < /tmp/embed-lab.todo
