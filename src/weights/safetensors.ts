/**
 * safetensors reader: the header is parsed and checked against the file size once; tensor data is
 * read lazily by byte range (see source.ts), so only the tensors asked for are ever loaded.
 * Checks follow the reference Rust implementation: header size limit, known dtypes, byte length =
 * elements x dtype size, and data_offsets that tile the data section exactly (no gap, no overlap).
 */
import { dequantizeInto } from './dequant.ts';
import { WeightsError } from './errors.ts';
import { GGMLType } from './ggml-types.ts';
import type { ByteSource } from './source.ts';

/** Bytes per element of every safetensors dtype. */
export const SAFETENSORS_DTYPE_SIZES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_SIZES;

export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  /** Row-major, as PyTorch: e.g. [out, in] for a linear weight. */
  shape: number[];
  nElements: number;
  /** Absolute byte offset of the data in the file. */
  offset: number;
  byteLength: number;
}

export interface SafetensorsFile {
  source: ByteSource;
  /** The optional `__metadata__` string map. */
  metadata: Record<string, string>;
  tensors: SafetensorsTensorInfo[];
  tensor(name: string): SafetensorsTensorInfo;
  /** Raw little-endian bytes of one tensor. */
  read(name: string): Promise<{ dtype: SafetensorsDtype; shape: number[]; data: Uint8Array }>;
  /** F32, F16 or BF16 tensor as float32 (exact conversion). */
  readFloat32(name: string): Promise<Float32Array>;
}

/** The Rust implementation refuses larger headers. */
const MAX_HEADER_BYTES = 100_000_000;

export async function openSafetensors(source: ByteSource): Promise<SafetensorsFile> {
  const file = source.name;
  const fail = (detail: string): never => {
    throw new WeightsError(file, detail);
  };
  if (source.size < 8) fail(`file is ${source.size} bytes, too small for a safetensors header`);
  const n64 = new DataView((await source.read(0, 8)).slice().buffer).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} is larger than the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  const headerLen = Number(n64);
  if (8 + headerLen > source.size) fail(`header length ${headerLen} goes past the end of the file (size ${source.size}; truncated?)`);
  const headerBytes = await source.read(8, headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');

  const dataStart = 8 + headerLen;
  const dataSize = source.size - dataStart;
  let metadata: Record<string, string> = {};
  const tensors: (SafetensorsTensorInfo & { begin: number; end: number })[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) {
        fail('__metadata__ must be an object of strings');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const where = `tensor '${name}'`;
    if (typeof entry !== 'object' || entry === null) fail(`${where}: entry is not an object`);
    const { dtype, shape, data_offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPE_SIZES)) fail(`${where}: unknown dtype ${JSON.stringify(dtype)}`);
    const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every(isCount)) {
      fail(`${where}: data_offsets ${JSON.stringify(data_offsets)} is not a pair of non-negative integers`);
    }
    const [begin, end] = data_offsets as [number, number];
    if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataSize) fail(`${where}: data_offsets [${begin}, ${end}] exceed the data size ${dataSize} (file size ${source.size}; truncated?)`);
    const dims = shape as number[];
    const nElements = dims.reduce((a, b) => a * b, 1);
    const width = SAFETENSORS_DTYPE_SIZES[dtype as SafetensorsDtype];
    if (!Number.isSafeInteger(nElements * width) || nElements * width !== end - begin) {
      fail(`${where}: shape [${dims.join(', ')}] of ${dtype} needs ${nElements * width} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape: dims, nElements, offset: dataStart + begin, byteLength: end - begin, begin, end });
  }
  // The tensors must tile [0, dataSize) in offset order.
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = '';
  for (const t of sorted) {
    if (t.begin < at) fail(`tensor '${t.name}' data_offsets [${t.begin}, ${t.end}] overlap tensor '${prev}' (ends at ${at})`);
    if (t.begin > at) fail(`tensor '${t.name}' data_offsets [${t.begin}, ${t.end}] leave a gap after byte ${at}`);
    at = t.end;
    prev = t.name;
  }
  if (at !== dataSize) fail(`tensors cover ${at} data bytes but the file has ${dataSize} after the header (truncated or trailing bytes)`);

  const infos: SafetensorsTensorInfo[] = tensors.map(({ begin: _b, end: _e, ...t }) => t);
  const byName = new Map(infos.map((t) => [t.name, t]));
  const tensor = (name: string): SafetensorsTensorInfo => {
    const t = byName.get(name);
    if (!t) throw new WeightsError(file, `no tensor named '${name}'`);
    return t;
  };
  const read = async (name: string) => {
    const t = tensor(name);
    return { dtype: t.dtype, shape: t.shape, data: await source.read(t.offset, t.byteLength) };
  };
  const readFloat32 = async (name: string): Promise<Float32Array> => {
    const t = tensor(name);
    const type = { F32: GGMLType.F32, F16: GGMLType.F16, BF16: GGMLType.BF16 }[t.dtype as string];
    if (type === undefined) throw new WeightsError(file, `tensor '${name}' has dtype ${t.dtype}, which cannot be read as float32`);
    const out = new Float32Array(t.nElements);
    dequantizeInto(type, (await read(name)).data, out, `${file}: tensor '${name}'`);
    return out;
  };
  return { source, metadata, tensors: infos, tensor, read, readFloat32 };
}
