// The parts of the pipeline the tiny-model run (embed-parity.test.ts) does not reach: the GGUF
// identity rule, the spec an atlas carries, and refusing a foreign spec before any file is read.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { BytesSource } from '../weights/source.ts';
import { checkedSpec, localIdentity, runPipeline, sha256OfSource, specInputs } from './pipeline.ts';
import { PROBE_SET_V1, probeSetRef } from './probes/index.ts';
import { makeSpec, specHash } from './spec.ts';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7919) % 251);
const nodeSha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describe('sha256OfSource', () => {
  it('hashes in chunks what one read could not hold (Node refuses reads past 2 GiB)', async () => {
    const b = new Uint8Array(64 * 2 ** 20 + 123);
    for (let i = 0; i < b.length; i += 4096) b[i] = (i * 2654435761) >>> 24;
    const whole = new BytesSource('big.gguf', b);
    const reads: number[] = [];
    const chunked = {
      name: 'big.gguf',
      size: b.length,
      read: (o: number, n: number) => {
        reads.push(n);
        return whole.read(o, n);
      },
    };
    expect(await sha256OfSource(chunked)).toBe(nodeSha(b));
    expect(reads).toEqual([64 * 2 ** 20, 123]);
  });
});

describe('localIdentity', () => {
  it('names a GGUF file by its own name and its sha256 (as Node hashes it)', async () => {
    const b = bytes(100_003);
    const id = await localIdentity([new BytesSource('dir/model.Q4.gguf', b), new BytesSource('README.md', bytes(5))]);
    expect(id).toEqual({ file: 'model.Q4.gguf', sha256: nodeSha(b) });
    expect(await localIdentity([new BytesSource('m.gguf', b)], 'chosen')).toEqual({ file: 'chosen', sha256: nodeSha(b) });
  });
  it('hashes a folder shard by shard in name order', async () => {
    const [a, b] = [bytes(10), bytes(20)];
    const id = await localIdentity([new BytesSource('z-00002.safetensors', b), new BytesSource('config.json', bytes(3)), new BytesSource('z-00001.safetensors', a)], 'm');
    expect(id).toEqual({ file: 'm', sha256: nodeSha(`z-00001.safetensors:${nodeSha(a)}\nz-00002.safetensors:${nodeSha(b)}\n`) });
    await expect(localIdentity([new BytesSource('model.safetensors', a)])).rejects.toThrow(/needs a name/);
  });
});

describe('specInputs', () => {
  it('reads the probe set, the attribution and the method version from a spec', async () => {
    for (const version of [1, 2] as const) {
      const spec = makeSpec({ probeSet: await probeSetRef(PROBE_SET_V1), attribution: { kind: 'ig', steps: 8 }, version });
      const inputs = await specInputs(spec);
      expect(inputs.probes).toBe(PROBE_SET_V1);
      expect(inputs.method).toEqual({ kind: 'ig', steps: 8 });
      expect(inputs.version).toBe(version);
      expect(await specHash(spec)).toBe((await checkedSpec(inputs.probes, inputs.method, undefined, inputs.version)).specHash);
    }
    expect(await specInputs(null)).toEqual({ probes: PROBE_SET_V1, method: { kind: 'gxi' }, version: 2 });
  });
  it('refuses a probe set this build does not carry, naming the field', async () => {
    const spec = makeSpec({ probeSet: { id: 'v9', sha256: 'a'.repeat(64) } });
    await expect(specInputs(spec)).rejects.toThrow(/spec\.probeSet: probe set "v9" \(sha256 aaaaaaaaaaaa…\) is not one this build carries \(v1\)/);
  });
});

describe('runPipeline', () => {
  it('refuses another spec before reading any file', async () => {
    const unread = { name: 'model.gguf', size: 10, read: () => Promise.reject(new Error('read')) };
    const p = runPipeline({
      files: [unread],
      identity: {},
      label: 'm',
      runtime: nodeRuntime,
      probes: PROBE_SET_V1,
      method: { kind: 'grad-norm' },
      expect: { specHash: 'b'.repeat(64), label: 'the atlas' },
      describe: () => {
        throw new Error('unreached');
      },
    });
    await expect(p).rejects.toThrow(/not comparable: this embedding has spec .*the atlas has spec bbbbbbbbbbbb/);
  });
});
