// Validation of the JSON files the atlas commands read (manifest, lab list). Each error names the
// file and the field (`data/manifest.json: models[3].lineage[0].type: ...`), never a JavaScript
// TypeError from deep inside the code that used the value.
import type { Manifest, ManifestEntry } from './manifest';
import { RELATION_TYPES } from './manifest';
import type { LabEntry } from './merge';

type Obj = Record<string, unknown>;

export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

/** Deeper nesting than any file the app or the CLI reads (an atlas is 4 levels deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * Where `text` nests arrays/objects deeper than `maxDepth` (the byte offset of the opening bracket
 * that goes too deep), or -1. One linear pass that skips strings; run before JSON.parse, so a
 * hostile 200,000-deep `[[[[...` is refused at once instead of being built and then walked.
 */
export function jsonTooDeepAt(text: string, maxDepth = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip a string: to the next quote not escaped by a backslash
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** JSON.parse with the file named in the error; nesting deeper than `maxDepth` is refused first. */
export function parseJsonFile(text: string, file: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const deep = jsonTooDeepAt(text, maxDepth);
  if (deep >= 0) throw new InputFileError(file, '', `JSON nested deeper than ${maxDepth} levels (at character ${deep}); refused`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputFileError(file, '', `not valid JSON (${(e as Error).message})`);
  }
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

function check(file: string) {
  const obj = (v: unknown, field: string): Obj => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputFileError(file, field, `expected an object, got ${kind(v)}`);
    return v as Obj;
  };
  const arr = (v: unknown, field: string): unknown[] => {
    if (!Array.isArray(v)) throw new InputFileError(file, field, `expected an array, got ${kind(v)}`);
    return v;
  };
  const str = (v: unknown, field: string, allowEmpty = false): string => {
    if (typeof v !== 'string' || (!allowEmpty && v === '')) throw new InputFileError(file, field, `expected a non-empty string, got ${kind(v)}`);
    return v;
  };
  const num = (v: unknown, field: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputFileError(file, field, `expected a finite number, got ${kind(v)}`);
    return v;
  };
  const nullable =
    <T>(f: (v: unknown, field: string) => T) =>
    (v: unknown, field: string): T | null =>
      v === null ? null : f(v, field);
  const lineage = (v: unknown, field: string) =>
    arr(v, field).map((l, j) => {
      const o = obj(l, `${field}[${j}]`);
      str(o.parent, `${field}[${j}].parent`);
      if (!RELATION_TYPES.includes(o.type as never))
        throw new InputFileError(file, `${field}[${j}].type`, `"${String(o.type)}" is not one of ${RELATION_TYPES.join(', ')}`);
      return o;
    });
  const benchmarks = (v: unknown, field: string) => {
    const o = obj(v, field);
    for (const [k, x] of Object.entries(o)) num(x, `${field}.${k}`);
    return o;
  };
  const unique = (ids: string[], field: string) => {
    const first = new Map<string, number>();
    ids.forEach((id, i) => {
      const j = first.get(id);
      if (j !== undefined) throw new InputFileError(file, `${field}[${i}].id`, `duplicate id "${id}" (also ${field}[${j}].id)`);
      first.set(id, i);
    });
  };
  return { obj, arr, str, num, nullable, lineage, benchmarks, unique };
}

/** A manifest (data/manifest.json or a hand-written one): `models` with the fields the atlas uses. */
export function validateManifest(raw: unknown, file: string): Pick<Manifest, 'models'> {
  const c = check(file);
  const m = c.obj(raw, '');
  const models = c.arr(m.models, 'models').map((e, i) => {
    const at = `models[${i}]`;
    const o = c.obj(e, at);
    c.str(o.id, `${at}.id`);
    c.str(o.family, `${at}.family`);
    c.str(o.organisation, `${at}.organisation`, true);
    c.num(o.paramsB, `${at}.paramsB`);
    c.str(o.architecture, `${at}.architecture`);
    c.str(o.licence, `${at}.licence`, true);
    c.lineage(o.lineage, `${at}.lineage`);
    c.nullable(c.benchmarks)(o.benchmarks, `${at}.benchmarks`);
    c.nullable(c.str)(o.benchmarkSource, `${at}.benchmarkSource`);
    return o as unknown as ManifestEntry;
  });
  c.unique(
    models.map((x) => x.id),
    'models',
  );
  return { ...(m as object), models } as Pick<Manifest, 'models'>;
}

/** The lab list for `atlas merge --lab`: an array of {id, ...metadata}; extra fields are kept. */
export function validateLab(raw: unknown, file: string): LabEntry[] {
  const c = check(file);
  const list = c.arr(raw, '').map((e, i) => {
    const at = `[${i}]`;
    const o = c.obj(e, at);
    c.str(o.id, `${at}.id`);
    for (const k of ['family', 'organisation', 'architecture', 'licence', 'benchmarkSource'] as const)
      if (o[k] !== undefined) c.nullable(c.str)(o[k], `${at}.${k}`);
    if (o.paramsB !== undefined) c.nullable(c.num)(o.paramsB, `${at}.paramsB`);
    if (o.lineage !== undefined) c.lineage(o.lineage, `${at}.lineage`);
    if (o.benchmarks !== undefined) c.nullable(c.benchmarks)(o.benchmarks, `${at}.benchmarks`);
    return o as unknown as LabEntry;
  });
  c.unique(
    list.map((x) => x.id),
    '',
  );
  return list;
}
