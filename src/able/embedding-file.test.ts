import { describe, expect, it } from 'vitest';
import { buildEmbedding } from './aggregate';
import {
  type EmbeddingRecord,
  embeddingToBin,
  embeddingToJson,
  parseEmbeddingBin,
  parseEmbeddingJson,
} from './embedding-file';
import { makeSpec, specHash } from './spec';

async function sample(): Promise<EmbeddingRecord> {
  const spec = makeSpec({ probeSet: { id: 'v1', sha256: 'ab'.repeat(32) }, attribution: { kind: 'ig', steps: 16 } });
  const vector = buildEmbedding(
    [
      { probeId: 'p001', words: [0.1, -0.7, 0.3] },
      { probeId: 'p002', words: [1e-3, 2] },
    ],
    'org/tiny',
    spec.methodVersion,
  );
  return {
    format: 'able-embedding/1',
    spec,
    specHash: await specHash(spec),
    model: { hubId: 'org/tiny', revision: 'main' },
    engine: { name: 'able-atlas', version: '0.1.0', provider: 'cpu' },
    computed: { where: 'unit test', date: '2026-11-29T12:00:00Z', wallTimeS: 1.5, peakRssMiB: 900 },
    probeTimingsMs: [12, 13],
    targetLogProbs: [-1.25, -0.5],
    dim: vector.length,
    vector,
  };
}

describe('embedding file round trip', () => {
  it('JSON with numbers, JSON with base64 and binary all give back the same bits', async () => {
    const rec = await sample();
    for (const back of [
      await parseEmbeddingJson(embeddingToJson(rec)),
      await parseEmbeddingJson(embeddingToJson(rec, { base64: true })),
      await parseEmbeddingBin(embeddingToBin(rec)),
    ]) {
      expect(back.vector).toEqual(rec.vector);
      const { vector: _a, ...h1 } = back;
      const { vector: _b, ...h2 } = rec;
      expect(h1).toEqual(h2);
    }
  });

  it('binary layout: magic, uint32 LE header length, JSON header, padding to 4, float32 LE', async () => {
    const rec = await sample();
    const bin = embeddingToBin(rec);
    expect(new TextDecoder().decode(bin.subarray(0, 8))).toBe('ABLEEMB1');
    const dv = new DataView(bin.buffer);
    const hl = dv.getUint32(8, true);
    const head = JSON.parse(new TextDecoder().decode(bin.subarray(12, 12 + hl)));
    expect(head.dim).toBe(5);
    expect(head.vector).toBeUndefined();
    const off = Math.ceil((12 + hl) / 4) * 4;
    expect(bin.length).toBe(off + 20);
    expect(dv.getFloat32(off + 4, true)).toBe(rec.vector[1]);
  });
});

describe('embedding file tampering', () => {
  const mutate = async (f: (o: any) => void) => {
    const o = JSON.parse(embeddingToJson(await sample()));
    f(o);
    return parseEmbeddingJson(JSON.stringify(o));
  };

  it('names the field that is wrong', async () => {
    await expect(mutate((o) => (o.spec.attribution = 'gxi'))).rejects.toThrow('specHash: does not match the spec');
    await expect(mutate((o) => (o.specHash = 'x'))).rejects.toThrow('specHash: expected 64');
    await expect(mutate((o) => (o.format = 'able-embedding/2'))).rejects.toThrow('format:');
    await expect(mutate((o) => (o.spec.dtype = 'int4'))).rejects.toThrow('spec.dtype');
    await expect(mutate((o) => (o.vector[0] *= 2))).rejects.toThrow('vector: L2 norm');
    await expect(mutate((o) => o.vector.pop())).rejects.toThrow('vector: 4 values but dim is 5');
    await expect(mutate((o) => (o.dim = 0))).rejects.toThrow('dim:');
    await expect(mutate((o) => (o.model = { hubId: 'tiny', revision: 'main' }))).rejects.toThrow('model.hubId');
    await expect(mutate((o) => (o.model = { file: 'x.gguf', sha256: 'nothex' }))).rejects.toThrow('model.sha256');
    await expect(mutate((o) => (o.engine.provider = 'cuda'))).rejects.toThrow('engine.provider');
    await expect(mutate((o) => (o.computed.date = 'yesterday'))).rejects.toThrow('computed.date');
    await expect(mutate((o) => (o.targetLogProbs[1] = 0.5))).rejects.toThrow('targetLogProbs: a log probability');
    await expect(mutate((o) => o.probeTimingsMs.push(1))).rejects.toThrow('probeTimingsMs: 3 entries');
    await expect(mutate((o) => (o.targetLogProbs[0] = null))).rejects.toThrow('targetLogProbs[0]');
    await expect(mutate((o) => (o.vectorBase64 = 'AAAA'))).rejects.toThrow('not both');
    await expect(mutate((o) => (o.surprise = 1))).rejects.toThrow('surprise: unknown field');
  });

  it('refuses a truncated or corrupted binary file', async () => {
    const bin = embeddingToBin(await sample());
    await expect(parseEmbeddingBin(bin.subarray(0, bin.length - 3))).rejects.toThrow('truncated');
    const bad = bin.slice();
    bad[0] = 0x58;
    await expect(parseEmbeddingBin(bad)).rejects.toThrow('missing magic');
    const longHead = bin.slice();
    new DataView(longHead.buffer).setUint32(8, 1e6, true);
    await expect(parseEmbeddingBin(longHead)).rejects.toThrow('runs past the end');
  });
});
