// The atlas manifest: which real models the atlas holds, with their lineage and scores, selected
// deterministically from the Open LLM Leaderboard v2 table. The rule is spelled out in docs/atlas.md;
// every constant it uses is exported here and recorded in the manifest itself.
import { SUPPORTED_ARCHITECTURES } from '../models/registry';
import { familyOf, isKnownFamily } from './family';
import { type BenchmarkScores, type LeaderboardRow, listedParent, parseLeaderboard } from './leaderboard';

export type RelationType = 'fine-tune' | 'merge' | 'adapter' | 'quantization' | 'same-family';
export const RELATION_TYPES: RelationType[] = ['fine-tune', 'merge', 'adapter', 'quantization', 'same-family'];

export interface LineageEdge {
  parent: string;
  type: RelationType;
  /** whether `parent` is itself a manifest entry */
  inManifest: boolean;
}

export interface ManifestEntry {
  id: string; // hub id
  leaderboardId: string; // the CSV `id` column, to find the exact row
  csvRow: number; // 0-based data row index in the CSV
  family: string;
  organisation: string;
  paramsB: number;
  architecture: string;
  licence: string;
  generation: number;
  modelType: string;
  isMerged: boolean;
  lineage: LineageEdge[];
  benchmarks: BenchmarkScores;
  benchmarkSource: string;
}

export interface Manifest {
  format: 'able-manifest/1';
  source: { file: string; sha256: string; rows: number };
  selection: typeof SELECTION;
  count: number;
  models: ManifestEntry[];
}

/** The architectures the engine runs: the manifest selects only these (from the family descriptors). */
export { SUPPORTED_ARCHITECTURES };

export const SELECTION = {
  rule: 'able-manifest-selection/1 (docs/atlas.md)',
  target: 239,
  maxParamsB: 8.5, // 8B-class models are listed at 8.03B (Llama 3) to 8.4B; nothing above
  perOrganisationCap: 6,
  perGroupCap: 12,
  benchmarkSource: 'open-llm-leaderboard-v2',
  // Phase 0: rows whose weights (or a quantization of them) the project can reach offline, so the
  // lineage lab's models hang off real manifest entries. They count towards the caps.
  pinned: ['HuggingFaceTB/SmolLM2-135M-Instruct', 'HuggingFaceTB/SmolLM2-135M'],
};

/** Hub ids naming a packed quantized format whose weights the engine cannot read. */
const PACKED_QUANT = /(^|[-_/])(bnb|gptq|gptqmodel|awq|exl2|gguf)([-_]|$)/i;

export const organisationOf = (hubId: string): string => (hubId.includes('/') ? hubId.split('/')[0] : '');

export function isEligible(r: LeaderboardRow): boolean {
  return (
    SUPPORTED_ARCHITECTURES.includes(r.architecture) &&
    r.paramsB > 0 &&
    r.paramsB <= SELECTION.maxParamsB &&
    !r.isMoe &&
    !r.isFlagged &&
    !PACKED_QUANT.test(r.hubId)
  );
}

/** Type of the edge from a row to the parent its base_model names (null when it names none). */
export function parentEdge(r: LeaderboardRow): { parent: string; type: RelationType } | null {
  const p = listedParent(r);
  if (!p) return null;
  let type: RelationType = 'fine-tune';
  if (r.weightType === 'Adapter') type = 'adapter';
  else if (r.isMerged || p.mergeMarked) type = 'merge';
  else if (PACKED_QUANT.test(r.hubId)) type = 'quantization';
  return { parent: p.parent, type };
}

/** Root of the base_model chain through rows of the table (the last id reached; cycles stop). */
export function chainRoot(hubId: string, byId: Map<string, LeaderboardRow>): string {
  const seen = new Set<string>();
  let id = hubId;
  for (;;) {
    const row = byId.get(id);
    const e = row ? parentEdge(row) : null;
    if (!e || seen.has(id)) return id;
    seen.add(id);
    id = e.parent;
  }
}

// Higher average first, then hub id: the tie-break used everywhere in the selection.
const byScore = (a: LeaderboardRow, b: LeaderboardRow): number =>
  b.scores.avg - a.scores.avg || (a.hubId < b.hubId ? -1 : a.hubId > b.hubId ? 1 : 0);

export function selectModels(rows: LeaderboardRow[]): LeaderboardRow[] {
  const eligible = rows.filter(isEligible);
  const byId = new Map(eligible.map((r) => [r.hubId, r]));
  const parentOf = new Map<string, string>();
  const children = new Map<string, LeaderboardRow[]>();
  for (const r of eligible) {
    const e = parentEdge(r);
    if (e && byId.has(e.parent)) {
      parentOf.set(r.hubId, e.parent);
      if (!children.has(e.parent)) children.set(e.parent, []);
      children.get(e.parent)!.push(r);
    }
  }
  // Lineage groups: connected components of the parent edges among eligible rows.
  const groupOf = new Map<string, string>();
  const find = (id: string): string => {
    let g = id;
    while (groupOf.has(g) && groupOf.get(g) !== g) g = groupOf.get(g)!;
    return g;
  };
  for (const r of eligible) groupOf.set(r.hubId, r.hubId);
  for (const [c, p] of parentOf) {
    const a = find(c);
    const b = find(p);
    // the smaller id becomes the representative, so groups do not depend on edge order
    if (a < b) groupOf.set(b, a);
    else if (b < a) groupOf.set(a, b);
  }
  const groups = new Map<string, LeaderboardRow[]>();
  for (const r of eligible) {
    const g = find(r.hubId);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(r);
  }

  const chosen = new Set<string>();
  const picked: LeaderboardRow[] = [];
  const perOrg = new Map<string, number>();
  const orgCount = (r: LeaderboardRow) => perOrg.get(organisationOf(r.hubId)) ?? 0;
  const take = (r: LeaderboardRow) => {
    chosen.add(r.hubId);
    picked.push(r);
    perOrg.set(organisationOf(r.hubId), orgCount(r) + 1);
  };
  const full = () => picked.length >= SELECTION.target;

  for (const id of SELECTION.pinned) {
    const r = byId.get(id);
    if (!r) throw new Error(`manifest: pinned model ${id} is not an eligible row of the table`);
    take(r);
  }

  // Phase 1: lineage groups, largest first (ties: smallest member id); inside a group breadth-first
  // from its roots, a child only after its parent was taken, within the group and organisation caps.
  const multi = [...groups.entries()]
    .filter(([, m]) => m.length >= 2)
    .sort(([ga, a], [gb, b]) => b.length - a.length || (ga < gb ? -1 : 1));
  for (const [, members] of multi) {
    if (full()) break;
    const queue = members.filter((r) => !parentOf.has(r.hubId)).sort(byScore);
    let n = 0;
    while (queue.length > 0 && n < SELECTION.perGroupCap && !full()) {
      const r = queue.shift()!;
      if (!chosen.has(r.hubId)) {
        if (orgCount(r) >= SELECTION.perOrganisationCap) continue;
        take(r);
        n++;
      }
      queue.push(...[...(children.get(r.hubId) ?? [])].sort(byScore));
    }
  }

  // Phase 2: round-robin over families (alphabetical); each family's turn takes its remaining row
  // from the least represented organisation, then by score; organisations at the cap are skipped.
  const root = new Map(rows.map((r) => [r.hubId, r]));
  const families = new Map<string, LeaderboardRow[]>();
  for (const r of eligible) {
    if (chosen.has(r.hubId)) continue;
    const f = familyOf(chainRoot(r.hubId, root), r.hubId, r.architecture);
    if (!families.has(f)) families.set(f, []);
    families.get(f)!.push(r);
  }
  const order = [...families.keys()].sort();
  let progress = true;
  while (!full() && progress) {
    progress = false;
    for (const f of order) {
      if (full()) break;
      const pool = families.get(f)!.filter((r) => !chosen.has(r.hubId) && orgCount(r) < SELECTION.perOrganisationCap);
      if (pool.length === 0) continue;
      pool.sort((a, b) => orgCount(a) - orgCount(b) || byScore(a, b));
      take(pool[0]);
      progress = true;
    }
  }
  return picked;
}

/** Builds the manifest from the CSV text. Pure and deterministic: same text, same manifest. */
export function buildManifest(csvText: string, source: { file: string; sha256: string }): Manifest {
  const rows = parseLeaderboard(csvText);
  const byId = new Map(rows.map((r) => [r.hubId, r]));
  const picked = selectModels(rows);
  const inManifest = new Set(picked.map((r) => r.hubId));
  const entries: ManifestEntry[] = picked.map((r) => {
    const e = parentEdge(r);
    return {
      id: r.hubId,
      leaderboardId: r.leaderboardId,
      csvRow: r.index,
      family: familyOf(chainRoot(r.hubId, byId), r.hubId, r.architecture),
      organisation: organisationOf(r.hubId),
      paramsB: r.paramsB,
      architecture: r.architecture,
      licence: r.licence,
      generation: r.generation,
      modelType: r.modelType,
      isMerged: r.isMerged,
      lineage: e ? [{ parent: e.parent, type: e.type, inManifest: inManifest.has(e.parent) }] : [],
      benchmarks: r.scores,
      benchmarkSource: SELECTION.benchmarkSource,
    };
  });
  addSameFamilyEdges(entries);
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    format: 'able-manifest/1',
    source: { file: source.file, sha256: source.sha256, rows: rows.length },
    selection: SELECTION,
    count: entries.length,
    models: entries,
  };
}

/**
 * Each model of a known family that has no parent inside the manifest gets one 'same-family' edge
 * to the family's anchor: its member of lowest generation, pretrained first, then by score and id.
 */
function addSameFamilyEdges(entries: ManifestEntry[]): void {
  const byFamily = new Map<string, ManifestEntry[]>();
  for (const e of entries) {
    if (!isKnownFamily(e.family)) continue;
    if (!byFamily.has(e.family)) byFamily.set(e.family, []);
    byFamily.get(e.family)!.push(e);
  }
  for (const members of byFamily.values()) {
    if (members.length < 2) continue;
    const anchor = [...members].sort(
      (a, b) =>
        a.generation - b.generation ||
        Number(b.modelType === 'pretrained') - Number(a.modelType === 'pretrained') ||
        b.benchmarks.avg - a.benchmarks.avg ||
        (a.id < b.id ? -1 : 1),
    )[0];
    for (const m of members) {
      if (m === anchor || m.lineage.some((l) => l.inManifest)) continue;
      m.lineage.push({ parent: anchor.id, type: 'same-family', inManifest: true });
    }
  }
}

/** The manifest's canonical text: one entry per line block, trailing newline. */
export const manifestJson = (m: Manifest): string => `${JSON.stringify(m, null, 1)}\n`;
