// The embedding file (docs/FORMATS.md): `*.able.json` (vector as numbers or base64 float32 LE) and
// the compact `*.able.bin` (magic, header length, JSON header, padding to 4, float32 LE vector).
// Readers validate everything and name the offending field, and recheck the spec hash, so a file
// that was edited by hand or truncated is refused rather than silently mixed into an atlas.
import { type AbleSpec, specHash, validateSpec } from './spec';

export type ModelIdentity = { hubId: string; revision: string } | { file: string; sha256: string };

export interface EmbeddingRecord {
  format: 'able-embedding/1';
  spec: AbleSpec;
  specHash: string;
  model: ModelIdentity;
  engine: { name: string; version: string; provider: 'cpu' | 'wasm' | 'webgpu' };
  computed: { where: string; date: string; wallTimeS: number; peakRssMiB?: number };
  probeTimingsMs: number[];
  targetLogProbs: number[];
  /** Set when the vector was re-aggregated from a file of another method version (no model run). */
  reaggregated?: { fromSpecHash: string; date: string };
  dim: number;
  vector: Float32Array;
}

export const EMBEDDING_FORMAT = 'able-embedding/1';
const MAGIC = 'ABLEEMB1';
/** A stored embedding has unit L2 norm; float32 rounding keeps it well within this. */
const NORM_TOLERANCE = 1e-4;

function header(rec: EmbeddingRecord): Record<string, unknown> {
  const { vector: _vector, ...rest } = rec;
  return rest;
}

export function embeddingToJson(rec: EmbeddingRecord, opts: { base64?: boolean } = {}): string {
  const h = header(rec);
  const body = opts.base64
    ? { ...h, vectorBase64: bytesToBase64(float32ToBytes(rec.vector)) }
    : { ...h, vector: Array.from(rec.vector) };
  return `${JSON.stringify(body, null, 1)}\n`;
}

export async function parseEmbeddingJson(text: string): Promise<EmbeddingRecord> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new Error(`embedding file: not valid JSON (${(e as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error('embedding file: expected an object');
  const o = obj as Record<string, unknown>;
  let vector: Float32Array;
  if (o.vector !== undefined && o.vectorBase64 !== undefined) {
    throw new Error('vector: give either "vector" or "vectorBase64", not both');
  } else if (o.vectorBase64 !== undefined) {
    if (typeof o.vectorBase64 !== 'string') throw new Error('vectorBase64: expected a base64 string');
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(o.vectorBase64);
    } catch {
      throw new Error('vectorBase64: not valid base64');
    }
    if (bytes.length % 4 !== 0) throw new Error(`vectorBase64: ${bytes.length} bytes is not a whole number of float32`);
    vector = bytesToFloat32(bytes);
  } else if (Array.isArray(o.vector)) {
    if (!o.vector.every((v) => typeof v === 'number')) throw new Error('vector: expected an array of numbers');
    vector = Float32Array.from(o.vector as number[]);
  } else {
    throw new Error('vector: missing (expected "vector" or "vectorBase64")');
  }
  const { vector: _v, vectorBase64: _b, ...rest } = o;
  return validateEmbedding({ ...rest, vector });
}

export function embeddingToBin(rec: EmbeddingRecord): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header(rec)));
  const dataOffset = align4(12 + head.length);
  const out = new Uint8Array(dataOffset + 4 * rec.vector.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  out.set(float32ToBytes(rec.vector), dataOffset); // padding bytes stay zero
  return out;
}

export async function parseEmbeddingBin(bytes: Uint8Array): Promise<EmbeddingRecord> {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error(`embedding bin: missing magic "${MAGIC}"`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = dv.getUint32(8, true);
  if (12 + headLen > bytes.length) throw new Error(`embedding bin: header length ${headLen} runs past the end of the file`);
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headLen)));
  } catch (e) {
    throw new Error(`embedding bin: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof head !== 'object' || head === null || Array.isArray(head)) throw new Error('embedding bin: header is not an object');
  if ('vector' in head || 'vectorBase64' in head) throw new Error('vector: must not appear in the binary header');
  const dataOffset = align4(12 + headLen);
  const dim = head.dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) throw new Error('dim: expected a positive integer');
  const expected = dataOffset + 4 * dim;
  if (bytes.length !== expected) {
    throw new Error(`embedding bin: ${bytes.length} bytes, expected ${expected} for dim ${dim} (truncated or padded file)`);
  }
  const vector = bytesToFloat32(bytes.subarray(dataOffset));
  return validateEmbedding({ ...head, vector });
}

/** Full validation of a record (spec hash recomputed); the error names the field. */
export async function validateEmbedding(o: Record<string, unknown>): Promise<EmbeddingRecord> {
  if (o.format !== EMBEDDING_FORMAT) throw new Error(`format: expected "${EMBEDDING_FORMAT}", got ${JSON.stringify(o.format)}`);
  const spec = validateSpec(o.spec, 'spec');
  if (typeof o.specHash !== 'string' || !/^[0-9a-f]{64}$/.test(o.specHash)) {
    throw new Error('specHash: expected 64 lowercase hex digits');
  }
  const h = await specHash(spec);
  if (h !== o.specHash) throw new Error(`specHash: does not match the spec (file says ${o.specHash}, spec hashes to ${h})`);
  validateModel(o.model);
  const eng = obj(o.engine, 'engine');
  str(eng.name, 'engine.name');
  str(eng.version, 'engine.version');
  if (!['cpu', 'wasm', 'webgpu'].includes(eng.provider as string)) throw new Error('engine.provider: expected cpu, wasm or webgpu');
  const c = obj(o.computed, 'computed');
  str(c.where, 'computed.where');
  if (typeof c.date !== 'string' || Number.isNaN(Date.parse(c.date))) throw new Error('computed.date: expected an ISO date');
  if (typeof c.wallTimeS !== 'number' || !(c.wallTimeS >= 0)) throw new Error('computed.wallTimeS: expected a number >= 0');
  if (c.peakRssMiB !== undefined && (typeof c.peakRssMiB !== 'number' || !(c.peakRssMiB >= 0))) {
    throw new Error('computed.peakRssMiB: expected a number >= 0');
  }
  finiteArray(o.probeTimingsMs, 'probeTimingsMs');
  finiteArray(o.targetLogProbs, 'targetLogProbs');
  const lp = o.targetLogProbs as number[];
  if (lp.some((v) => v > 0)) throw new Error('targetLogProbs: a log probability cannot be positive');
  if ((o.probeTimingsMs as number[]).length !== lp.length) {
    throw new Error(`probeTimingsMs: ${(o.probeTimingsMs as number[]).length} entries but targetLogProbs has ${lp.length}`);
  }
  if (typeof o.dim !== 'number' || !Number.isInteger(o.dim) || o.dim < 1) throw new Error('dim: expected a positive integer');
  const v = o.vector as Float32Array;
  if (!(v instanceof Float32Array)) throw new Error('vector: expected float32 values');
  if (v.length !== o.dim) throw new Error(`vector: ${v.length} values but dim is ${o.dim}`);
  let n2 = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`vector: non-finite value at index ${i}`);
    n2 += v[i] * v[i];
  }
  if (Math.abs(Math.sqrt(n2) - 1) > NORM_TOLERANCE) {
    throw new Error(`vector: L2 norm is ${Math.sqrt(n2)}, expected 1 (an ABLE embedding is unit-normalized)`);
  }
  if (o.reaggregated !== undefined) {
    const r = obj(o.reaggregated, 'reaggregated');
    if (typeof r.fromSpecHash !== 'string' || !/^[0-9a-f]{64}$/.test(r.fromSpecHash)) throw new Error('reaggregated.fromSpecHash: expected 64 lowercase hex digits');
    if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date))) throw new Error('reaggregated.date: expected an ISO date');
  }
  const known = ['format', 'spec', 'specHash', 'model', 'engine', 'computed', 'probeTimingsMs', 'targetLogProbs', 'reaggregated', 'dim', 'vector'];
  const extra = Object.keys(o).filter((k) => !known.includes(k));
  if (extra.length > 0) throw new Error(`${extra[0]}: unknown field`);
  return o as unknown as EmbeddingRecord;
}

function validateModel(m: unknown): void {
  const o = obj(m, 'model');
  if ('hubId' in o) {
    if (typeof o.hubId !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(o.hubId)) throw new Error('model.hubId: expected "org/name"');
    str(o.revision, 'model.revision');
    if ('file' in o || 'sha256' in o) throw new Error('model: give either hubId+revision or file+sha256, not both');
  } else if ('file' in o) {
    str(o.file, 'model.file');
    if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) throw new Error('model.sha256: expected 64 lowercase hex digits');
  } else {
    throw new Error('model: expected {hubId, revision} or {file, sha256}');
  }
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${field}: expected an object`);
  return v as Record<string, unknown>;
}
function str(v: unknown, field: string): void {
  if (typeof v !== 'string' || v === '') throw new Error(`${field}: expected a non-empty string`);
}
function finiteArray(v: unknown, field: string): void {
  if (!Array.isArray(v)) throw new Error(`${field}: expected an array of numbers`);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${field}[${i}]: expected a finite number`);
  });
}

const align4 = (n: number): number => (n + 3) & ~3;

function float32ToBytes(v: Float32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat32(i * 4, v[i], true);
  return out;
}
function bytesToFloat32(b: Uint8Array): Float32Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(b.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}
function bytesToBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}
function base64ToBytes(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
