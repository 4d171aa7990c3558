// Mutations of real valid files: bit flips, truncation, huge counts and offsets written over any
// aligned word, copied (overlapping) ranges, inserted and deleted bytes; and JSON-aware mutations:
// a value anywhere replaced (by a random, huge, deep or wrongly typed value), deleted or duplicated.
import fc from 'fast-check';

/** Values that make counts, lengths, offsets and types interesting. */
const SPECIAL = [0, 1, 2, 3, 7, 8, 31, 32, 255, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 53, 2 ** 63, 2 ** 64 - 1, 1e9];

function writeWord(b: Uint8Array, at: number, width: 1 | 2 | 4 | 8, v: number) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (at + width > b.length) return;
  if (width === 1) dv.setUint8(at, v & 0xff);
  else if (width === 2) dv.setUint16(at, v & 0xffff, true);
  else if (width === 4) dv.setUint32(at, v >>> 0 === v ? v : v % 2 ** 32, true);
  else dv.setBigUint64(at, BigInt.asUintN(64, BigInt(Math.floor(v))), true);
}

type Mut =
  | { op: 'flip'; at: number[]; bit: number }
  | { op: 'truncate'; at: number }
  | { op: 'word'; at: number; width: 1 | 2 | 4 | 8; v: number; aligned: boolean }
  | { op: 'copy'; from: number; to: number; len: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'random'; bytes: Uint8Array; keep: number };

const unit = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const mutation: fc.Arbitrary<Mut> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.array(unit, { minLength: 1, maxLength: 8 }).map((xs) => xs.map((x) => x)), bit: fc.integer({ min: 0, max: 7 }) }) as fc.Arbitrary<any>,
  fc.record({ op: fc.constant('truncate' as const), at: unit }) as fc.Arbitrary<any>,
  fc.record({
    op: fc.constant('word' as const),
    at: unit,
    width: fc.constantFrom(1, 2, 4, 8),
    v: fc.oneof(fc.constantFrom(...SPECIAL), fc.nat()),
    aligned: fc.boolean(),
  }) as fc.Arbitrary<any>,
  fc.record({ op: fc.constant('copy' as const), from: unit, to: unit, len: fc.integer({ min: 1, max: 256 }) }) as fc.Arbitrary<any>,
  fc.record({ op: fc.constant('insert' as const), at: unit, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) as fc.Arbitrary<any>,
  fc.record({ op: fc.constant('delete' as const), at: unit, len: fc.integer({ min: 1, max: 64 }) }) as fc.Arbitrary<any>,
  fc.record({ op: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 512 }), keep: fc.nat({ max: 16 }) }) as fc.Arbitrary<any>,
);

function apply(base: Uint8Array, m: Mut): Uint8Array {
  const n = base.length;
  const pos = (u: number) => Math.floor(u * n);
  switch (m.op) {
    case 'flip': {
      const b = base.slice();
      for (const u of m.at) b[pos(u)] ^= 1 << m.bit;
      return b;
    }
    case 'truncate':
      return base.slice(0, pos(m.at));
    case 'word': {
      const b = base.slice();
      let at = pos(m.at);
      if (m.aligned) at -= at % m.width;
      writeWord(b, at, m.width, m.v);
      return b;
    }
    case 'copy': {
      const b = base.slice();
      const from = pos(m.from);
      b.copyWithin(pos(m.to), from, Math.min(n, from + m.len));
      return b;
    }
    case 'insert': {
      const at = pos(m.at);
      const b = new Uint8Array(n + m.bytes.length);
      b.set(base.subarray(0, at));
      b.set(m.bytes, at);
      b.set(base.subarray(at), at + m.bytes.length);
      return b;
    }
    case 'delete': {
      const at = pos(m.at);
      const tail = base.subarray(Math.min(n, at + m.len));
      const b = new Uint8Array(at + tail.length);
      b.set(base.subarray(0, at));
      b.set(tail, at);
      return b;
    }
    case 'random': {
      const b = new Uint8Array(m.keep + m.bytes.length);
      b.set(base.subarray(0, m.keep));
      b.set(m.bytes, Math.min(m.keep, n));
      return b;
    }
  }
}

/** 1 to 4 stacked mutations of `base`. */
export const mutatedBytes = (base: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce((b, m) => apply(b, m), base));

// ---- JSON ----------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `v` (the root is []). */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = [], max = 5000): (string | number)[][] {
  if (out.length >= max) return out;
  out.push(prefix);
  if (prefix.length >= 32) return out; // inside an already-deep value: enough places
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      paths(x, [...prefix, i], out, max);
    });
  }
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...prefix, k], out, max);
  return out;
}

const deep = (d: number): Json => {
  let v: Json = 0;
  for (let i = 0; i < d; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Replacement values: wrong types, huge numbers and strings, deep nesting, long arrays. */
const weird: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e9, -1e308, 1e308, 2 ** 53, '', 'x', [], {}, '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 2000 }).map(deep) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100000 }).map((n) => Array(n).fill(0)) },
);

type JMut = { op: 'set' | 'delete' | 'dup'; at: number; v: Json };

function applyJson(base: Json, ms: JMut[]): Json {
  const root: Json = structuredClone(base);
  let holder: { r: Json } = { r: root };
  for (const m of ms) {
    const ps = paths(holder.r);
    const path = ps[Math.floor(m.at * ps.length)];
    if (path.length === 0) {
      if (m.op === 'set') holder = { r: m.v };
      continue;
    }
    let parent: any = holder.r;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const key = path[path.length - 1];
    if (m.op === 'set') parent[key] = m.v;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    }
    else if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
  }
  return holder.r;
}

/** 1 to 3 stacked JSON mutations of `base`. */
export const mutatedJson = (base: Json): fc.Arbitrary<Json> =>
  fc
    .array(
      fc.record({ op: fc.constantFrom<'set' | 'delete' | 'dup'>('set', 'set', 'delete', 'dup'), at: unit, v: weird }),
      { minLength: 1, maxLength: 3 },
    )
    .map((ms) => applyJson(base, ms));

/** JSON text: mutated structure, or the valid text cut or with a byte changed. */
export const mutatedJsonText = (base: Json): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: mutatedJson(base).map((v) => JSON.stringify(v)) },
    // nesting deeper than any recursive walker survives, as text (JSON.stringify could not write it)
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1000, max: 200000 }), fc.boolean()).map(([d, close]) => '['.repeat(d) + (close ? ']'.repeat(d) : '')) },
    { weight: 1, arbitrary: mutatedBytes(new TextEncoder().encode(JSON.stringify(base))).map((b) => new TextDecoder().decode(b)) },
  );
