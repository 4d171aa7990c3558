import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HubServer, startHubServer } from '../../test/hub-server.ts';
import { hubOptionsFromEnv, NodeHubCache } from '../platform/node/hub-cache-node.ts';
import { HubClient, type HubProgress, parseRepoRef, shardsOf } from './hub.ts';
import { MemoryHubCache } from './hub-cache-memory.ts';

/** Deterministic pseudo-random bytes (LCG), so shard contents are distinct and checkable. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_G = '0123456789abcdef0123456789abcdef01234567';
const shard1 = bytes(300_000, 1);
const shard2 = bytes(123_457, 2);
const single = bytes(200_001, 3);
const gguf = bytes(50_000, 4);
const index = JSON.stringify({
  metadata: { total_size: shard1.length + shard2.length },
  weight_map: {
    'model.layers.1.w': 'model-00002-of-00002.safetensors',
    'model.embed.w': 'model-00001-of-00002.safetensors',
    'model.layers.0.w': 'model-00001-of-00002.safetensors',
  },
});
const TOKEN = 'hf_test_token';

let server: HubServer;
let dir: string;
let cache: NodeHubCache;

beforeAll(async () => {
  server = await startHubServer({
    token: TOKEN,
    repos: {
      'org/sharded': {
        sha: SHA_A,
        files: {
          'config.json': '{"model_type":"llama"}',
          'tokenizer.json': '{"model":{}}',
          'tokenizer_config.json': '{}',
          'README.md': '# not downloaded',
          'model.safetensors.index.json': index,
          'model-00001-of-00002.safetensors': shard1,
          'model-00002-of-00002.safetensors': shard2,
        },
      },
      'org/single': {
        sha: SHA_B,
        files: { 'config.json': '{}', 'model.safetensors': single, 'gone.json': '{}' },
        missing: ['gone.json'],
      },
      'org/quant': { sha: SHA_B, files: { 'm-Q4_K_M.gguf': gguf, 'm-Q8_0.gguf': gguf.subarray(0, 10) } },
      // same size, one byte different: only the LFS sha256 can tell (issue 13 defect 13)
      'org/tampered': {
        sha: SHA_B,
        files: { 'config.json': '{}', 'model.safetensors': single },
        tampered: { 'model.safetensors': Uint8Array.from(single, (b, i) => (i === 1000 ? b ^ 1 : b)) },
      },
      'gated/model': { sha: SHA_G, files: { 'config.json': '{"gated":true}', 'model.safetensors': single } },
    },
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'able-hub-'));
  cache = new NodeHubCache(dir);
  server.requests.length = 0;
  server.ignoreRange = false;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const client = (extra: { token?: string; retries?: number; onProgress?: (p: HubProgress) => void } = {}) =>
  new HubClient({ endpoint: `${server.url}/`, cache, ...extra });
// Compare large byte arrays by length and sha256 (vitest's element-wise diff is slow on 100 kB arrays).
const digest = (b: Uint8Array) => `${b.length} bytes, sha256 ${createHash('sha256').update(b).digest('hex')}`;
const blobBytes = async (b: Blob | undefined) => digest(new Uint8Array(await b!.arrayBuffer()));

describe('repo references', () => {
  it('parses org/name[@revision]', () => {
    expect(parseRepoRef('HuggingFaceTB/SmolLM2-135M')).toEqual({ repoId: 'HuggingFaceTB/SmolLM2-135M', revision: 'main' });
    expect(parseRepoRef('org/m@refs/pr/1')).toEqual({ repoId: 'org/m', revision: 'refs/pr/1' });
    expect(parseRepoRef(`org/m@${SHA_A}`).revision).toBe(SHA_A);
    expect(() => parseRepoRef('justname')).toThrow('not a hub model id');
    expect(() => parseRepoRef('org/../x')).toThrow('not a hub model id');
    expect(() => parseRepoRef('org/m@')).toThrow('revision');
  });

  it('lists shards of an index, sorted and distinct', () => {
    expect(shardsOf(index)).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(() => shardsOf('{"weight_map":{"a":"../x"}}')).toThrow('unsafe file path');
  });
});

describe('hub client against the local hub server', () => {
  it('resolves the revision to a commit and lists the files', async () => {
    const l = await client().list('org/sharded');
    expect(l.sha).toBe(SHA_A);
    expect(l.files.find((f) => f.path === 'model-00002-of-00002.safetensors')?.size).toBe(123_457);
    expect(server.requests[0].path).toBe('/api/models/org/sharded/revision/main?blobs=true');
  });

  it('downloads config, tokenizer files and sharded safetensors (following CDN redirects), then serves from cache', async () => {
    const seen: HubProgress[] = [];
    const m = await client({ onProgress: (p) => seen.push(p) }).model('org/sharded');
    expect(m.sha).toBe(SHA_A);
    expect(m.weights).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect([...m.files.keys()].sort()).toEqual(
      [
        'config.json',
        'model-00001-of-00002.safetensors',
        'model-00002-of-00002.safetensors',
        'model.safetensors.index.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    );
    expect(await blobBytes(m.files.get('model-00001-of-00002.safetensors'))).toBe(digest(shard1));
    expect(await blobBytes(m.files.get('model-00002-of-00002.safetensors'))).toBe(digest(shard2));
    expect(await m.files.get('config.json')!.text()).toBe('{"model_type":"llama"}');
    // Files are fetched at the resolved commit; LFS files go through a 302 to the CDN path.
    expect(server.requests.map((r) => `${r.status} ${r.path}`)).toContain(
      `302 /org/sharded/resolve/${SHA_A}/model-00002-of-00002.safetensors`,
    );
    expect(server.requests.map((r) => `${r.status} ${r.path}`)).toContain(
      `200 /cdn/org/sharded/${SHA_A}/model-00002-of-00002.safetensors`,
    );
    // On disk under <root>/org/sharded/<sha>/, no .part left.
    expect(digest(await readFile(join(dir, 'org', 'sharded', SHA_A, 'model-00002-of-00002.safetensors')))).toBe(digest(shard2));
    await expect(stat(join(dir, 'org', 'sharded', SHA_A, 'model-00002-of-00002.safetensors.part'))).rejects.toThrow();
    // Progress ends at the file size for each weight file.
    const last = (f: string) => seen.filter((p) => p.file === f).at(-1);
    expect(last('model-00001-of-00002.safetensors')).toEqual({ file: 'model-00001-of-00002.safetensors', loaded: 300_000, total: 300_000 });
    expect(last('model-00002-of-00002.safetensors')?.loaded).toBe(123_457);

    // Second time: only the listing goes to the network.
    server.requests.length = 0;
    const again = await client().model('org/sharded');
    expect(await blobBytes(again.files.get('model-00001-of-00002.safetensors'))).toBe(digest(shard1));
    expect(server.requests.map((r) => r.path)).toEqual(['/api/models/org/sharded/revision/main?blobs=true']);
  });

  it('downloads a single model.safetensors at a pinned revision', async () => {
    const m = await client().model(`org/single@${SHA_B}`);
    expect(m.weights).toEqual(['model.safetensors']);
    expect(await blobBytes(m.files.get('model.safetensors'))).toBe(digest(single));
  });

  it('checks LFS downloads against the sha256 the hub lists, names the file and discards it', async () => {
    const l = await client().list('org/tampered');
    expect(l.files.find((f) => f.path === 'model.safetensors')?.sha256).toBe(createHash('sha256').update(single).digest('hex'));
    expect(l.files.find((f) => f.path === 'config.json')?.sha256).toBeNull();
    for (const c of [client(), new HubClient({ endpoint: server.url, cache, sha256: hubOptionsFromEnv({}).sha256 })]) {
      await expect(c.model('org/tampered')).rejects.toThrow(
        /"model\.safetensors" from org\/tampered \(revision main\): sha256 [0-9a-f]{64} does not match the hub's [0-9a-f]{64}; the download was discarded/,
      );
      expect(await cache.has(`org/tampered/${SHA_B}/model.safetensors`)).toBe(false);
    }
    // an intact file passes the same check
    expect(await blobBytes((await client().model('org/single')).files.get('model.safetensors'))).toBe(digest(single));
  });

  it('downloads a named GGUF file and names the ones available when it is not there', async () => {
    const c = new HubClient({ endpoint: server.url, cache: new MemoryHubCache() });
    const m = await c.model('org/quant', { gguf: 'm-Q4_K_M.gguf' });
    expect(m.weights).toEqual(['m-Q4_K_M.gguf']);
    expect(await blobBytes(m.files.get('m-Q4_K_M.gguf'))).toBe(digest(gguf));
    await expect(c.model('org/quant', { gguf: 'm-F16.gguf' })).rejects.toThrow(
      'file "m-F16.gguf" is not in org/quant at revision main (GGUF files there: m-Q4_K_M.gguf, m-Q8_0.gguf)',
    );
  });

  it('404s name the file and the repo', async () => {
    const c = client();
    const l = await c.list('org/single');
    await expect(c.file(l, 'gone.json')).rejects.toThrow('downloading "gone.json" from org/single (revision main): not found (HTTP 404)');
    await expect(c.file(l, 'nope.json')).rejects.toThrow('file "nope.json" is not in org/single at revision main');
    await expect(c.list('org/absent')).rejects.toThrow('listing org/absent at revision main: not found (HTTP 404)');
    await expect(c.list('org/single@v9')).rejects.toThrow('listing org/single at revision v9: not found');
    await expect(c.model('org/quant')).rejects.toThrow('file "config.json" is not in org/quant');
  });

  it('a gated repo: 401 says to set HF_TOKEN; a wrong token is reported as refused; the right one works', async () => {
    await expect(client().model('gated/model')).rejects.toThrow(
      'listing gated/model at revision main: HTTP 401 (gated/model): the repo is gated or private: set HF_TOKEN',
    );
    await expect(client({ token: 'hf_wrong' }).model('gated/model')).rejects.toThrow('the HF_TOKEN given was refused');
    const m = await client({ token: TOKEN }).model('gated/model');
    expect(await m.files.get('config.json')!.text()).toBe('{"gated":true}');
    expect(server.requests.filter((r) => r.path.startsWith('/gated/')).every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('an interrupted download keeps its partial file and the next run resumes with a Range request', async () => {
    server.cutAfter('model.safetensors', 70_000);
    const c = client({ retries: 0 });
    await expect(c.model('org/single')).rejects.toThrow(/model\.safetensors.*connection broken after 70000 of 200001 bytes.*run again to resume/);
    const key = `org/single/${SHA_B}/model.safetensors`;
    expect(await cache.size(key)).toBe(70_000);
    expect(await cache.has(key)).toBe(false);

    server.requests.length = 0;
    const m = await c.model('org/single');
    expect(await blobBytes(m.files.get('model.safetensors'))).toBe(digest(single));
    const cdn = server.requests.filter((r) => r.path.startsWith('/cdn/'));
    expect(cdn.map((r) => [r.range, r.status])).toEqual([['bytes=70000-', 206]]);
  });

  it('resumes by itself within one call when retries are allowed, across two breaks', async () => {
    server.cutAfter('model-00001-of-00002.safetensors', 10_000, 2);
    const seen: number[] = [];
    const m = await client({ onProgress: (p) => p.file.startsWith('model-00001') && seen.push(p.loaded) }).model('org/sharded');
    expect(await blobBytes(m.files.get('model-00001-of-00002.safetensors'))).toBe(digest(shard1));
    const cdn = server.requests.filter((r) => r.path.includes('model-00001') && r.path.startsWith('/cdn/'));
    expect(cdn.map((r) => r.range)).toEqual([null, 'bytes=10000-', 'bytes=20000-']);
    expect(seen.at(-1)).toBe(300_000);
  });

  it('restarts from zero when the server ignores Range and answers 200', async () => {
    server.cutAfter('model.safetensors', 5_000);
    await expect(client({ retries: 0 }).model('org/single')).rejects.toThrow('connection broken');
    server.ignoreRange = true;
    const m = await client().model('org/single');
    expect(await blobBytes(m.files.get('model.safetensors'))).toBe(digest(single));
    const cdn = server.requests.filter((r) => r.path.startsWith('/cdn/'));
    expect(cdn.at(-1)).toMatchObject({ range: 'bytes=5000-', status: 200 });
  });

  it('takes HF_ENDPOINT and HF_TOKEN from the environment (CLI side)', async () => {
    const opts = hubOptionsFromEnv({ HF_ENDPOINT: server.url, HF_TOKEN: TOKEN, ABLE_HUB_CACHE: dir });
    expect(opts.cacheDir).toBe(dir);
    const m = await new HubClient(opts).model('gated/model');
    expect(await m.files.get('config.json')!.text()).toBe('{"gated":true}');
    expect(hubOptionsFromEnv({ XDG_CACHE_HOME: '/x' })).toMatchObject({ cacheDir: '/x/able-atlas/hub', endpoint: undefined, token: undefined });
  });

  it('the Node cache refuses keys that would leave its folder', () => {
    expect(() => cache.pathOf('org/m/../../etc/passwd')).toThrow('unsafe key');
    expect(cache.pathOf('org/m/sha/sub/f.json')).toBe(join(dir, 'org', 'm', 'sha', 'sub', 'f.json'));
  });

  it('reports an unreachable endpoint clearly', async () => {
    const c = new HubClient({ endpoint: 'http://127.0.0.1:1', cache: new MemoryHubCache() });
    await expect(c.list('org/x')).rejects.toThrow('listing org/x at revision main: could not reach http://127.0.0.1:1');
  });
});
