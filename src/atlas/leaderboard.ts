// Rows of the Open LLM Leaderboard v2 table (shared/data/open-llm-leaderboard-v2.csv), typed.
// Parsing only: no selection and no interpretation beyond what the columns say.
import { csvParse } from 'd3-dsv';

export const BENCHMARKS = ['ifeval', 'bbh', 'math', 'gpqa', 'musr', 'mmlu_pro'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];
/** Normalized leaderboard scores (0-100, the ones the leaderboard averages) plus their average. */
export type BenchmarkScores = Record<BenchmarkName | 'avg', number>;

export interface LeaderboardRow {
  index: number; // 0-based data row index in the CSV (header excluded)
  leaderboardId: string; // the `id` column (name_precision_sha_chattemplate)
  hubId: string; // model_name
  modelType: string;
  weightType: string; // Original | Adapter
  architecture: string;
  isMerged: boolean;
  isMoe: boolean;
  isFlagged: boolean;
  generation: number;
  baseModel: string; // verbatim, quirks included ("Removed", "X (Merge)")
  licence: string;
  paramsB: number; // verbatim; 0 or -1 means unknown
  scores: BenchmarkScores;
}

const bool = (s: string): boolean => s === 'True';

/** Parses the CSV text (CRLF or LF). Throws on a missing column. */
export function parseLeaderboard(csvText: string): LeaderboardRow[] {
  const records = csvParse(csvText.replace(/\r\n/g, '\n'));
  const need = ['id', 'model_name', 'base_model', 'architecture', 'avg_score', 'params_b'];
  for (const c of need) if (!records.columns.includes(c)) throw new Error(`leaderboard CSV: no column ${c}`);
  return records.map((r, index) => {
    const scores = { avg: Number(r.avg_score) } as BenchmarkScores;
    for (const b of BENCHMARKS) scores[b] = Number(r[`${b}_norm`]);
    return {
      index,
      leaderboardId: r.id ?? '',
      hubId: r.model_name ?? '',
      modelType: r.model_type ?? '',
      weightType: r.weight_type ?? '',
      architecture: r.architecture ?? '',
      isMerged: bool(r.is_merged ?? ''),
      isMoe: bool(r.is_moe ?? ''),
      isFlagged: bool(r.is_flagged ?? ''),
      generation: Number(r.generation),
      baseModel: r.base_model ?? '',
      licence: r.license ?? '',
      paramsB: Number(r.params_b),
      scores,
    };
  });
}

const MERGE_MARK = ' (Merge)';

/**
 * The parent named by base_model, or null. "Removed", an empty field and the model itself (with or
 * without the " (Merge)" marker) name no parent. `mergeMarked` tells whether the marker was present.
 */
export function listedParent(row: LeaderboardRow): { parent: string; mergeMarked: boolean } | null {
  let b = row.baseModel.trim();
  if (b === '' || b === 'Removed') return null;
  const mergeMarked = b.endsWith(MERGE_MARK);
  if (mergeMarked) b = b.slice(0, -MERGE_MARK.length);
  if (b === row.hubId) return null;
  return { parent: b, mergeMarked };
}
