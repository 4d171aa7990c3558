// Writes data/manifest.json from the Open LLM Leaderboard v2 CSV (selection rule: docs/atlas.md).
// Usage: npx tsx scripts/make-manifest.ts [csvPath] [outPath]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildManifest, manifestJson } from '../src/atlas/manifest';

const csvPath = process.argv[2] ?? '../shared/data/open-llm-leaderboard-v2.csv';
const outPath = process.argv[3] ?? 'data/manifest.json';
const bytes = readFileSync(csvPath);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const manifest = buildManifest(bytes.toString('utf8'), { file: 'shared/data/open-llm-leaderboard-v2.csv', sha256 });
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, manifestJson(manifest));
console.log(`${outPath}: ${manifest.count} models from ${manifest.source.rows} rows (sha256 ${sha256.slice(0, 12)})`);
