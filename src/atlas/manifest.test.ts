import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLeaderboard } from './leaderboard';
import { buildManifest, type Manifest, manifestJson, parentEdge, SUPPORTED_ARCHITECTURES } from './manifest';

// The vendored copy (data/open-llm-leaderboard-v2.md gives its source and sha256).
const csvPath = fileURLToPath(new URL('../../data/open-llm-leaderboard-v2.csv', import.meta.url));
const manifestPath = fileURLToPath(new URL('../../data/manifest.json', import.meta.url));
const haveCsv = existsSync(csvPath);
if (!haveCsv) console.warn(`SKIPPED manifest-vs-CSV checks: ${csvPath} is absent`);

describe('leaderboard row quirks', () => {
  const header =
    'id,model_name,model_sha,precision,model_type,weight_type,architecture,avg_score,has_chat_template,is_not_available_on_hub,is_merged,is_moe,is_flagged,is_official_provider,upload_date,submission_date,generation,base_model,license,likes,params_b,co2_kg,ifeval_raw,ifeval_norm,bbh_raw,bbh_norm,math_raw,math_norm,gpqa_raw,gpqa_norm,musr_raw,musr_norm,mmlu_pro_raw,mmlu_pro_norm';
  const row = (name: string, weight: string, merged: string, base: string) =>
    `${name}_x,${name},sha,bfloat16,t,${weight},LlamaForCausalLM,10,True,True,${merged},False,False,False,,,1,${base},mit,0,1.5,0,0,1,0,2,0,3,0,4,0,5,0,6`;
  const rows = parseLeaderboard(
    [
      header,
      row('a/ft', 'Original', 'False', 'a/base'),
      row('a/ad', 'Adapter', 'False', 'a/base'),
      row('a/m1', 'Original', 'True', 'a/m1 (Merge)'),
      row('a/m2', 'Original', 'False', 'a/base (Merge)'),
      row('a/rm', 'Original', 'False', 'Removed'),
      row('a/self', 'Original', 'False', 'a/self'),
    ].join('\r\n'),
  );
  it('reads normalized scores and CRLF rows', () => {
    expect(rows).toHaveLength(6);
    expect(rows[0].scores).toEqual({ avg: 10, ifeval: 1, bbh: 2, math: 3, gpqa: 4, musr: 5, mmlu_pro: 6 });
    expect(rows[0].paramsB).toBe(1.5);
  });
  it('types edges by what the row says and invents none', () => {
    expect(rows.map(parentEdge)).toEqual([
      { parent: 'a/base', type: 'fine-tune' },
      { parent: 'a/base', type: 'adapter' },
      null, // a merge naming itself: parents unknown
      { parent: 'a/base', type: 'merge' },
      null,
      null,
    ]);
  });
});

describe.skipIf(!haveCsv)('data/manifest.json against the CSV', () => {
  const csvBytes = haveCsv ? readFileSync(csvPath) : Buffer.alloc(0);
  const manifest: Manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  // Independent reading of the CSV (it has no quoted fields): a plain split, not d3-dsv.
  const lines = csvBytes.toString('utf8').split('\r\n').filter(Boolean);
  const cols = lines[0].split(',');
  const records = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  const byName = new Map(records.map((r) => [r.model_name, r]));

  it('has exactly 239 distinct entries of supported architectures', () => {
    expect(manifest.count).toBe(239);
    expect(manifest.models).toHaveLength(239);
    expect(new Set(manifest.models.map((m) => m.id)).size).toBe(239);
    for (const m of manifest.models) expect(SUPPORTED_ARCHITECTURES).toContain(m.architecture);
    expect(manifest.source.sha256).toBe(createHash('sha256').update(csvBytes).digest('hex'));
  });

  it('every entry is a real row with the same id, architecture, parameters and scores', () => {
    for (const m of manifest.models) {
      const r = byName.get(m.id);
      expect(r, m.id).toBeDefined();
      expect(records[m.csvRow].model_name).toBe(m.id);
      expect(r!.id).toBe(m.leaderboardId);
      expect(r!.architecture).toBe(m.architecture);
      expect(Number(r!.params_b)).toBe(m.paramsB);
      expect(Number(r!.avg_score)).toBe(m.benchmarks.avg);
      for (const b of ['ifeval', 'bbh', 'math', 'gpqa', 'musr', 'mmlu_pro'] as const)
        expect(Number(r![`${b}_norm`]), `${m.id} ${b}`).toBe(m.benchmarks[b]);
    }
  });

  it('lineage edges point where the table says, and inManifest is true exactly for members', () => {
    const ids = new Set(manifest.models.map((m) => m.id));
    for (const m of manifest.models)
      for (const e of m.lineage) {
        expect(e.inManifest).toBe(ids.has(e.parent));
        if (e.type !== 'same-family') expect(byName.get(m.id)!.base_model.replace(/ \(Merge\)$/, '')).toBe(e.parent);
        else expect(manifest.models.find((x) => x.id === e.parent)!.family).toBe(m.family);
      }
  });

  it('regenerating from the CSV gives the identical file', () => {
    const again = buildManifest(csvBytes.toString('utf8'), {
      file: manifest.source.file,
      sha256: manifest.source.sha256,
    });
    expect(manifestJson(again)).toBe(readFileSync(manifestPath, 'utf8'));
  });
});
