// A minimal GGUF v3 writer for the fuzz seeds: a micro llama (2 layers, hidden 32, byte-level
// 260-token vocabulary) whose every part (metadata, tokenizer, F32/F16/Q8_0 tensors) the readers
// reach, small enough that one parse + load + tokenize is about a millisecond.
import { byteLevelDecoder } from '../../src/text/byte-stream.ts';
import { GGMLType } from '../../src/weights/index.ts';

type Kv = [string, 'u32' | 'f32' | 'str' | 'bool' | 'strs' | 'i32s' | 'f32s', unknown];

class Out {
  private parts: Uint8Array[] = [];
  size = 0;
  push(b: Uint8Array) {
    this.parts.push(b);
    this.size += b.length;
  }
  u32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.push(b);
  }
  i32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    this.push(b);
  }
  u64(v: number) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.push(b);
  }
  f32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.push(b);
  }
  pad(to: number) {
    const n = (to - (this.size % to)) % to;
    if (n) this.push(new Uint8Array(n));
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const T = { u32: 4, i32: 5, f32: 6, bool: 7, str: 8, arr: 9 };

function writeKv(o: Out, [key, type, v]: Kv) {
  o.str(key);
  if (type === 'u32') {
    o.u32(T.u32);
    o.u32(v as number);
  } else if (type === 'f32') {
    o.u32(T.f32);
    o.f32(v as number);
  } else if (type === 'bool') {
    o.u32(T.bool);
    o.push(new Uint8Array([v ? 1 : 0]));
  } else if (type === 'str') {
    o.u32(T.str);
    o.str(v as string);
  } else {
    const xs = v as unknown[];
    o.u32(T.arr);
    o.u32(type === 'strs' ? T.str : type === 'i32s' ? T.i32 : T.f32);
    o.u64(xs.length);
    for (const x of xs) {
      if (type === 'strs') o.str(x as string);
      else if (type === 'i32s') o.i32(x as number);
      else o.f32(x as number);
    }
  }
}

interface TensorSpec {
  name: string;
  shape: number[]; // PyTorch order; GGUF dims are reversed
  type: number;
  data: Uint8Array;
}

export function writeGguf(kvs: Kv[], tensors: TensorSpec[], alignment = 32): Uint8Array {
  const o = new Out();
  o.push(new TextEncoder().encode('GGUF'));
  o.u32(3);
  o.u64(tensors.length);
  o.u64(kvs.length);
  for (const kv of kvs) writeKv(o, kv);
  let off = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    offsets.push(off);
    off += Math.ceil(t.data.length / alignment) * alignment;
  }
  tensors.forEach((t, i) => {
    o.str(t.name);
    o.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) o.u64(d);
    o.u32(t.type);
    o.u64(offsets[i]);
  });
  o.pad(alignment);
  for (const t of tensors) {
    o.push(t.data);
    o.pad(alignment);
  }
  return o.bytes();
}

/** Deterministic pseudo-random floats. */
function floats(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 0.2;
  });
}
const f32 = (n: number, seed: number) => new Uint8Array(floats(n, seed).buffer);
function f16(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(2 * n);
  const dv = new DataView(out.buffer);
  floats(n, seed).forEach((x, i) => {
    // small values: a plain float16 encoding via Math.fround of the mantissa is enough here
    const sign = x < 0 ? 0x8000 : 0;
    const a = Math.abs(x);
    const e = a === 0 ? 0 : Math.max(1, Math.min(30, Math.floor(Math.log2(a)) + 15));
    const m = a === 0 ? 0 : Math.round((a / 2 ** (e - 15) - 1) * 1024) & 0x3ff;
    dv.setUint16(2 * i, sign | (e << 10) | m, true);
  });
  return out;
}
function q8_0(n: number, seed: number): Uint8Array {
  // blocks of 32: float16 scale + 32 int8
  const blocks = n / 32;
  const out = new Uint8Array(blocks * 34);
  const dv = new DataView(out.buffer);
  const x = floats(n, seed);
  for (let b = 0; b < blocks; b++) {
    dv.setUint16(b * 34, 0x2000, true); // scale 2^-7
    for (let j = 0; j < 32; j++) dv.setInt8(b * 34 + 2 + j, Math.round(x[b * 32 + j] * 128));
  }
  return out;
}

/** The micro llama GGUF (see file comment). */
export function microLlamaGguf(): Uint8Array {
  const H = 32;
  const F = 64;
  const L = 2;
  const alphabet = [...byteLevelDecoder().keys()];
  const tokens = [...alphabet, 'Ġt', 'he', 'Ġthe', '<|endoftext|>'];
  const types = tokens.map((t) => (t === '<|endoftext|>' ? 3 : 1));
  const V = tokens.length;
  const kvs: Kv[] = [
    ['general.architecture', 'str', 'llama'],
    ['general.name', 'str', 'micro-llama'],
    ['general.alignment', 'u32', 32],
    ['llama.embedding_length', 'u32', H],
    ['llama.block_count', 'u32', L],
    ['llama.feed_forward_length', 'u32', F],
    ['llama.attention.head_count', 'u32', 4],
    ['llama.attention.head_count_kv', 'u32', 2],
    ['llama.attention.layer_norm_rms_epsilon', 'f32', 1e-5],
    ['llama.rope.freq_base', 'f32', 10000],
    ['llama.context_length', 'u32', 64],
    ['llama.vocab_size', 'u32', V],
    ['tokenizer.ggml.model', 'str', 'gpt2'],
    ['tokenizer.ggml.pre', 'str', 'default'],
    ['tokenizer.ggml.tokens', 'strs', tokens],
    ['tokenizer.ggml.token_type', 'i32s', types],
    ['tokenizer.ggml.merges', 'strs', ['Ġ t', 'h e', 'Ġt he']],
    ['tokenizer.ggml.bos_token_id', 'u32', V - 1],
    ['tokenizer.ggml.eos_token_id', 'u32', V - 1],
  ];
  let seed = 1;
  const t = (name: string, shape: number[], type: number = GGMLType.F32): TensorSpec => {
    const n = shape.reduce((a, b) => a * b, 1);
    seed++;
    const data = type === GGMLType.F16 ? f16(n, seed) : type === GGMLType.Q8_0 ? q8_0(n, seed) : f32(n, seed);
    return { name, shape, type, data };
  };
  const tensors = [t('token_embd.weight', [V, H], GGMLType.F16), t('output_norm.weight', [H])];
  for (let i = 0; i < L; i++) {
    tensors.push(
      t(`blk.${i}.attn_norm.weight`, [H]),
      t(`blk.${i}.ffn_norm.weight`, [H]),
      t(`blk.${i}.attn_q.weight`, [H, H], GGMLType.F16),
      t(`blk.${i}.attn_k.weight`, [H / 2, H]),
      t(`blk.${i}.attn_v.weight`, [H / 2, H]),
      t(`blk.${i}.attn_output.weight`, [H, H]),
      t(`blk.${i}.ffn_gate.weight`, [F, H]),
      t(`blk.${i}.ffn_up.weight`, [F, H], GGMLType.Q8_0),
      t(`blk.${i}.ffn_down.weight`, [H, F], GGMLType.Q8_0),
    );
  }
  return writeGguf(kvs, tensors);
}
