/**
 * GGUF reader (versions 2 and 3, little-endian): metadata, tensor infos, lazy tensor reads.
 *
 * Our own small bounds-checked parser rather than @huggingface/gguf: that package reads from a URL
 * (its own fetch/range logic, a local-file mode for Node), while here every access goes through a
 * ByteSource and every malformed field must name the file, the place and the problem. The package
 * is used in test/parity as an independent check of this parser on the real files.
 *
 * Tensor layout: GGUF lists dims innermost first (dims[0] = ne[0] = row length, contiguous).
 * `shape` is the reverse, the hub / PyTorch order: a linear layer's weight has dims [in, out] and
 * shape [out, in], and the dequantized data is row-major in `shape` order, exactly as the same
 * tensor in a safetensors file.
 */
import { dequantizeInto } from './dequant.ts';
import { WeightsError } from './errors.ts';
import { GGML_TYPES, ggmlTypeName } from './ggml-types.ts';
import type { ByteSource } from './source.ts';

export const GGUFValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

export type GGUFValue =
  | number
  | bigint // a 64-bit integer beyond Number.MAX_SAFE_INTEGER
  | boolean
  | string
  | string[]
  | boolean[]
  | (number | bigint)[] // arrays of 64-bit integers
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | GGUFValue[];

export interface GGUFTensorInfo {
  name: string;
  /** ggml type id (see ggml-types.ts) and its name. */
  type: number;
  typeName: string;
  /** GGUF order, innermost first: dims[0] is the row length. */
  dims: number[];
  /** Hub / PyTorch order (dims reversed), e.g. [out, in] for a linear weight. */
  shape: number[];
  nElements: number;
  /** Absolute byte offset of the tensor's data in the file. */
  offset: number;
  byteLength: number;
}

export interface GGUFFile {
  source: ByteSource;
  version: 2 | 3;
  alignment: number;
  metadata: Map<string, GGUFValue>;
  /** GGUF value type of each metadata entry (for arrays: ARRAY). */
  metadataTypes: Map<string, number>;
  tensors: GGUFTensorInfo[];
  /** Absolute byte offset where tensor data starts. */
  dataOffset: number;
  tensor(name: string): GGUFTensorInfo;
  /** The tensor's raw bytes (ggml blocks). */
  readRaw(name: string): Promise<Uint8Array>;
  /** The whole tensor as float32, row-major in `shape` order. */
  readFloat32(name: string): Promise<Float32Array>;
  /** Rows [start, start+count) of the tensor viewed as (nElements / dims[0]) rows of dims[0]. */
  readRows(name: string, start: number, count: number): Promise<Float32Array>;
}

const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
const DEFAULT_ALIGNMENT = 32;
const GGML_MAX_DIMS = 4;

/** Thrown by the cursor when the header runs past the bytes read so far but not past the file. */
class NeedMore extends Error {}

class Cursor {
  pos = 0;
  what = 'header';
  private readonly view: DataView;
  // ignoreBOM: Gemma has tokens that start with U+FEFF, which a default decoder drops.
  private static readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  constructor(
    private readonly bytes: Uint8Array,
    private readonly fileSize: number,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(detail: string): never {
    throw new WeightsError(this.file, `${detail} (${this.what}, at byte ${this.pos})`);
  }
  need(n: number): void {
    if (this.pos + n <= this.bytes.byteLength) return;
    if (this.pos + n > this.fileSize) {
      this.fail(`file truncated: needs ${n} more bytes but the file ends at byte ${this.fileSize}`);
    }
    throw new NeedMore();
  }
  remaining(): number {
    return this.fileSize - this.pos;
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** A u64 that must be a count or size: a safe integer no larger than `max`. */
  size(max: number, label: string): number {
    const v = this.u64();
    if (v > BigInt(max)) this.fail(`${label} ${v} is impossible: at most ${max} fits in the rest of the file (truncated or corrupt)`);
    return Number(v);
  }
  string(): string {
    const n = this.size(this.remaining() - 8, 'string length');
    this.need(n);
    const s = Cursor.utf8.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  /** `n` fixed-size little-endian numbers copied into a fresh (aligned) typed array. */
  numbers<T>(n: number, width: number, make: (buf: ArrayBuffer) => T): T {
    this.need(n * width);
    const copy = this.bytes.slice(this.pos, this.pos + n * width);
    this.pos += n * width;
    return make(copy.buffer);
  }
  /** One fixed-size value at the cursor, read by `get` at its offset; the cursor moves past it. */
  private at<T>(width: number, get: (offset: number) => T): T {
    this.need(width);
    this.pos += width;
    return get(this.pos - width);
  }
  value(type: number, depth = 0): GGUFValue {
    const V = GGUFValueType;
    switch (type) {
      case V.UINT8:
        return this.u8();
      case V.INT8:
        return this.at(1, (o) => this.view.getInt8(o));
      case V.UINT16:
        return this.at(2, (o) => this.view.getUint16(o, true));
      case V.INT16:
        return this.at(2, (o) => this.view.getInt16(o, true));
      case V.UINT32:
        return this.u32();
      case V.INT32:
        return this.at(4, (o) => this.view.getInt32(o, true));
      case V.FLOAT32:
        return this.at(4, (o) => this.view.getFloat32(o, true));
      case V.BOOL: {
        const b = this.u8();
        if (b > 1) this.fail(`bool value ${b} is neither 0 nor 1`);
        return b === 1;
      }
      case V.STRING:
        return this.string();
      case V.UINT64:
        return safeOrBig(this.u64());
      case V.INT64:
        return safeOrBig(this.at(8, (o) => this.view.getBigInt64(o, true)));
      case V.FLOAT64:
        return this.at(8, (o) => this.view.getFloat64(o, true));
      case V.ARRAY:
        return this.array(depth);
      default:
        return this.fail(`unknown metadata value type ${type}`);
    }
  }
  private array(depth: number): GGUFValue {
    if (depth > 8) this.fail('arrays nested more than 8 deep');
    const type = this.u32();
    const n = this.size(this.remaining(), 'array length');
    const V = GGUFValueType;
    const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    if (!LE) this.fail('big-endian hosts are not supported');
    const typed = TYPED_ARRAYS[type];
    if (typed) {
      const a = this.numbers(n, typed.width, typed.make);
      // 64-bit integers: numbers where they are safe, bigints beyond
      return (a instanceof BigInt64Array || a instanceof BigUint64Array ? Array.from(a, safeOrBig) : a) as GGUFValue;
    }
    if (type === V.STRING && n * 8 > this.remaining()) this.fail(`array of ${n} strings cannot fit in the file`);
    const out: GGUFValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(type, depth + 1));
    return out as GGUFValue;
  }
}

/** Array element types read in one go: bytes per element and the typed array over the copy. */
const TYPED_ARRAYS: Partial<Record<number, { width: number; make: (b: ArrayBuffer) => ArrayLike<number> | BigInt64Array | BigUint64Array }>> = {
  [GGUFValueType.UINT8]: { width: 1, make: (b) => new Uint8Array(b) },
  [GGUFValueType.INT8]: { width: 1, make: (b) => new Int8Array(b) },
  [GGUFValueType.UINT16]: { width: 2, make: (b) => new Uint16Array(b) },
  [GGUFValueType.INT16]: { width: 2, make: (b) => new Int16Array(b) },
  [GGUFValueType.UINT32]: { width: 4, make: (b) => new Uint32Array(b) },
  [GGUFValueType.INT32]: { width: 4, make: (b) => new Int32Array(b) },
  [GGUFValueType.FLOAT32]: { width: 4, make: (b) => new Float32Array(b) },
  [GGUFValueType.FLOAT64]: { width: 8, make: (b) => new Float64Array(b) },
  [GGUFValueType.UINT64]: { width: 8, make: (b) => new BigUint64Array(b) },
  [GGUFValueType.INT64]: { width: 8, make: (b) => new BigInt64Array(b) },
};

function safeOrBig(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * A key or tensor name read from the file, as an error message shows it: in single quotes, with
 * quotes, backslashes and control characters escaped and a long name cut (a corrupt file's names
 * can hold anything, and a message must stay one readable line).
 */
function shown(name: string): string {
  const cut = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  let out = '';
  for (const ch of cut) {
    const c = ch.codePointAt(0)!;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `'${out}'`;
}

type ParsedHeader = Pick<GGUFFile, 'version' | 'alignment' | 'metadata' | 'metadataTypes' | 'tensors' | 'dataOffset'>;

function parseHeader(bytes: Uint8Array, fileSize: number, file: string): ParsedHeader {
  const c = new Cursor(bytes, fileSize, file);
  c.what = 'reading the magic';
  const magic = c.u32();
  if (magic !== GGUF_MAGIC) {
    const seen = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    c.fail(`not a GGUF file: magic bytes are ${seen}, expected 47 47 55 46 ("GGUF")`);
  }
  c.what = 'reading the version';
  const version = c.u32();
  if (version !== 2 && version !== 3) {
    if (version === 1) c.fail('GGUF version 1 is not supported (only versions 2 and 3)');
    if ((version & 0xffff) === 0 && version !== 0) c.fail('big-endian GGUF files are not supported');
    c.fail(`unsupported GGUF version ${version} (only versions 2 and 3)`);
  }
  c.what = 'reading the counts';
  // Every tensor info takes at least 8+4+8+4+8 bytes, every key/value at least 8+4+1.
  const nTensors = c.size(Math.floor(c.remaining() / 32), 'tensor count');
  const nKV = c.size(Math.floor(c.remaining() / 13), 'metadata count');

  const metadata = new Map<string, GGUFValue>();
  const metadataTypes = new Map<string, number>();
  for (let i = 0; i < nKV; i++) {
    c.what = `reading metadata entry ${i} of ${nKV}`;
    const key = c.string();
    c.what = `reading metadata ${shown(key)}`;
    if (metadata.has(key)) c.fail(`duplicate metadata key ${shown(key)}`);
    const type = c.u32();
    metadata.set(key, c.value(type));
    metadataTypes.set(key, type);
  }

  let alignment = DEFAULT_ALIGNMENT;
  if (metadata.has('general.alignment')) {
    const a = metadata.get('general.alignment');
    if (metadataTypes.get('general.alignment') !== GGUFValueType.UINT32 || typeof a !== 'number' || a === 0 || (a & (a - 1)) !== 0) {
      c.fail(`general.alignment must be a power-of-two uint32, got ${String(a)}`);
    }
    alignment = a as number;
  }

  const raw: { name: string; type: number; dims: number[]; rel: number }[] = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    c.what = `reading tensor info ${i} of ${nTensors}`;
    const name = c.string();
    c.what = `reading tensor info ${shown(name)}`;
    if (names.has(name)) c.fail(`duplicate tensor name ${shown(name)}`);
    names.add(name);
    const nDims = c.u32();
    if (nDims < 1 || nDims > GGML_MAX_DIMS) c.fail(`tensor ${shown(name)} has ${nDims} dimensions (1 to ${GGML_MAX_DIMS} allowed)`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.size(Number.MAX_SAFE_INTEGER, `tensor ${shown(name)} dimension ${d}`));
    const type = c.u32();
    if (!GGML_TYPES.has(type)) c.fail(`tensor ${shown(name)} has unknown ggml type id ${type}`);
    const rel = c.size(fileSize, `tensor ${shown(name)} data offset`);
    raw.push({ name, type, dims, rel });
  }
  c.what = 'after the tensor infos';
  const dataOffset = Math.ceil(c.pos / alignment) * alignment;

  const tensors: GGUFTensorInfo[] = raw.map(({ name, type, dims, rel }) => {
    const info = GGML_TYPES.get(type)!;
    const where = `tensor ${shown(name)} (${info.name}, dims [${dims.join(', ')}])`;
    if (dims[0] % info.blockSize !== 0) {
      throw new WeightsError(file, `${where}: row length ${dims[0]} is not a multiple of the ${info.name} block size ${info.blockSize}`);
    }
    const nElements = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(nElements)) throw new WeightsError(file, `${where}: element count overflows`);
    const byteLength = (nElements / info.blockSize) * info.typeSize;
    if (rel % alignment !== 0) throw new WeightsError(file, `${where}: data offset ${rel} is not a multiple of the alignment ${alignment}`);
    const offset = dataOffset + rel;
    if (offset + byteLength > fileSize) {
      throw new WeightsError(
        file,
        `${where}: data [${offset}, ${offset + byteLength}) exceeds the file size ${fileSize} (truncated file?)`,
      );
    }
    return { name, type, typeName: info.name, dims, shape: [...dims].reverse(), nElements, offset, byteLength };
  });
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    const cur = byOffset[i];
    if (cur.offset < prev.offset + prev.byteLength) {
      throw new WeightsError(
        file,
        `tensor ${shown(cur.name)} data at ${cur.offset} overlaps tensor ${shown(prev.name)} data [${prev.offset}, ${prev.offset + prev.byteLength})`,
      );
    }
  }
  return { version: version as 2 | 3, alignment, metadata, metadataTypes, tensors, dataOffset };
}

/** Reads the header with growing prefixes (so an 8 MB vocabulary costs a few range reads). */
export async function openGGUF(source: ByteSource, options: { firstRead?: number } = {}): Promise<GGUFFile> {
  if (source.size < 8) throw new WeightsError(source.name, `file is ${source.size} bytes, too small to be GGUF`);
  let length = Math.min(source.size, options.firstRead ?? 1 << 20);
  let header: ParsedHeader;
  for (;;) {
    const bytes = await source.read(0, length);
    try {
      header = parseHeader(bytes, source.size, source.name);
      break;
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
      length = Math.min(source.size, length * 4);
    }
  }
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const tensor = (name: string): GGUFTensorInfo => {
    const t = byName.get(name);
    if (!t) throw new WeightsError(source.name, `no tensor named ${shown(name)}`);
    return t;
  };
  const readRows = async (name: string, start: number, count: number): Promise<Float32Array> => {
    const t = tensor(name);
    const rowLen = t.dims[0];
    const nRows = t.nElements / rowLen;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > nRows) {
      throw new WeightsError(source.name, `tensor ${shown(name)}: rows [${start}, ${start + count}) out of range (it has ${nRows})`);
    }
    const info = GGML_TYPES.get(t.type)!;
    const rowBytes = (rowLen / info.blockSize) * info.typeSize;
    const bytes = await source.read(t.offset + start * rowBytes, count * rowBytes);
    const out = new Float32Array(count * rowLen);
    dequantizeInto(t.type, bytes, out, `${source.name}: tensor ${shown(name)}`);
    return out;
  };
  return {
    source,
    ...header,
    tensor,
    readRaw: async (name) => {
      const t = tensor(name);
      return source.read(t.offset, t.byteLength);
    },
    readFloat32: async (name) => {
      const t = tensor(name);
      return readRows(name, 0, t.nElements / t.dims[0]);
    },
    readRows,
  };
}

export { ggmlTypeName };
