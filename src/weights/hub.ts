// Hugging Face hub client: resolve `org/name[@revision]`, list the repo, download config,
// tokenizer files and weights (single or sharded safetensors, or a named GGUF) into a cache, with
// resume of partial downloads and progress. No Node imports: fetch, endpoint, token and the cache
// are passed in (the CLI reads HF_ENDPOINT / HF_TOKEN from the environment).

/**
 * Where downloads live. Keys are `org/name/<commit sha>/<file path>`, so a branch that moves never
 * mixes files of two commits. A partial download is kept apart from complete files.
 */
export interface HubCache {
  /** Is a complete copy present? */
  has(key: string): Promise<boolean>;
  /** Bytes of the partial download so far (0 when none). */
  size(key: string): Promise<number>;
  /** Appends bytes to the partial download. */
  append(key: string, chunk: Uint8Array): Promise<void>;
  /** Drops the partial download (the server ignored our Range and sent the whole file). */
  reset(key: string): Promise<void>;
  /** Turns the partial download into the complete file. */
  finalize(key: string): Promise<void>;
  /** Drops the complete file (it failed its checksum). */
  discard(key: string): Promise<void>;
  /** The complete file. */
  open(key: string): Promise<Blob>;
}

export interface HubProgress {
  file: string;
  loaded: number;
  /** Total bytes when the server says (null otherwise). */
  total: number | null;
}

export interface HubOptions {
  cache: HubCache;
  /** Default https://huggingface.co; the CLI passes HF_ENDPOINT. */
  endpoint?: string;
  /** The CLI passes HF_TOKEN. */
  token?: string;
  fetch?: typeof fetch;
  onProgress?: (p: HubProgress) => void;
  /** Automatic resumes after a broken connection, per file (default 2). */
  retries?: number;
  /**
   * sha256 (hex) of a downloaded file, to check it against the LFS sha256 the hub lists. The CLI
   * passes a streaming Node hash; the default hashes with WebCrypto, which holds the file in memory,
   * so it is used up to MAX_WEBCRYPTO_HASH bytes (larger files are then checked by size only).
   */
  sha256?: (blob: Blob) => Promise<string | null>;
}

/** Largest file the default (in-memory WebCrypto) hash takes on. */
export const MAX_WEBCRYPTO_HASH = 512 * 2 ** 20;

async function webCryptoSha256(blob: Blob): Promise<string | null> {
  if (blob.size > MAX_WEBCRYPTO_HASH) return null;
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RepoRef {
  repoId: string;
  revision: string;
}

export interface RepoListing extends RepoRef {
  /** The commit the revision resolved to; files are fetched at this commit. */
  sha: string;
  /** sha256: the LFS object id the hub lists for large files (null for plain git files). */
  files: { path: string; size: number | null; sha256?: string | null }[];
}

export class HubError extends Error {
  override readonly name = 'HubError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'tokenizer.model',
  'vocab.json',
  'merges.txt',
  'generation_config.json',
];
const CHUNK_FLUSH = 4 << 20; // write to the cache in blocks of about 4 MiB

/** `org/name` or `org/name@revision` (revision may contain '/', e.g. refs/pr/1). */
export function parseRepoRef(ref: string): RepoRef {
  const at = ref.indexOf('@');
  const repoId = at < 0 ? ref : ref.slice(0, at);
  const revision = at < 0 ? 'main' : ref.slice(at + 1);
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(repoId) || repoId.includes('..')) {
    throw new HubError(`"${ref}" is not a hub model id: expected org/name or org/name@revision`);
  }
  if (revision === '' || /\s/.test(revision)) throw new HubError(`"${ref}": empty or invalid revision`);
  return { repoId, revision };
}

/** A repo file path must stay inside the repo (it becomes a cache key and a URL path). */
function checkRepoPath(path: string): void {
  const parts = path.split('/');
  if (path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new HubError(`refusing unsafe file path "${path}"`);
  }
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export class HubClient {
  private readonly endpoint: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: HubOptions) {
    this.endpoint = (opts.endpoint || DEFAULT_ENDPOINT).replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.opts.token ? { ...extra, Authorization: `Bearer ${this.opts.token}` } : extra;
  }

  /** Why a request failed, in words a user can act on. */
  private failure(status: number, statusText: string, what: string, repoId: string): HubError {
    if (status === 401 || status === 403) {
      const hint = this.opts.token
        ? 'the HF_TOKEN given was refused: check that it is valid and that its account has accepted the repo\'s terms'
        : 'the repo is gated or private: set HF_TOKEN to a Hugging Face access token that can read it';
      return new HubError(`${what}: HTTP ${status} (${repoId}): ${hint}`, status);
    }
    if (status === 404) return new HubError(`${what}: not found (HTTP 404)`, status);
    return new HubError(`${what}: HTTP ${status} ${statusText}`, status);
  }

  /** Resolves the revision to a commit and lists the repo's files. */
  async list(ref: string | RepoRef): Promise<RepoListing> {
    const { repoId, revision } = typeof ref === 'string' ? parseRepoRef(ref) : ref;
    const url = `${this.endpoint}/api/models/${repoId}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const what = `listing ${repoId} at revision ${revision}`;
    const res = await this.request(url, {}, what);
    if (!res.ok) {
      await res.body?.cancel();
      throw this.failure(res.status, res.statusText, what, repoId);
    }
    const info = (await res.json()) as { sha?: unknown; siblings?: { rfilename?: unknown; size?: unknown; lfs?: { sha256?: unknown } }[] };
    if (typeof info.sha !== 'string' || !/^[0-9a-f]{40}$/.test(info.sha) || !Array.isArray(info.siblings)) {
      throw new HubError(`${what}: unexpected answer from ${this.endpoint} (no commit sha or file list)`);
    }
    const files = info.siblings.map((s) => {
      if (typeof s.rfilename !== 'string') throw new HubError(`${what}: a file entry has no rfilename`);
      checkRepoPath(s.rfilename);
      const sha256 = typeof s.lfs?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(s.lfs.sha256) ? s.lfs.sha256 : null;
      return { path: s.rfilename, size: typeof s.size === 'number' ? s.size : null, sha256 };
    });
    return { repoId, revision, sha: info.sha, files };
  }

  private async request(url: string, headers: Record<string, string>, what: string): Promise<Response> {
    try {
      return await this.fetchFn(url, { headers: this.headers(headers), redirect: 'follow' });
    } catch (e) {
      throw new HubError(`${what}: could not reach ${this.endpoint} (${(e as Error).message})`);
    }
  }

  /**
   * One file at the listing's commit, from the cache when complete, else downloaded (resuming a
   * partial download with a Range request).
   */
  async file(listing: RepoListing, path: string): Promise<Blob> {
    checkRepoPath(path);
    const { cache } = this.opts;
    const key = `${listing.repoId}/${listing.sha}/${path}`;
    if (await cache.has(key)) return cache.open(key);
    const entry = listing.files.find((f) => f.path === path);
    if (!entry) throw new HubError(`file "${path}" is not in ${listing.repoId} at revision ${listing.revision}`, 404);
    const retries = this.opts.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.download(listing, path, key, entry.size);
        break;
      } catch (e) {
        if (!(e instanceof Interrupted) || attempt >= retries) {
          throw e instanceof Interrupted ? new HubError(e.message) : e;
        }
      }
    }
    await cache.finalize(key);
    const blob = await cache.open(key);
    if (entry.sha256) {
      // size alone misses a corrupted or substituted download of the same length
      const got = await (this.opts.sha256 ?? webCryptoSha256)(blob);
      if (got !== null && got !== entry.sha256) {
        await cache.discard(key);
        throw new HubError(
          `"${path}" from ${listing.repoId} (revision ${listing.revision}): sha256 ${got} does not match the hub's ${entry.sha256}; the download was discarded`,
        );
      }
    }
    return blob;
  }

  private async download(listing: RepoListing, path: string, key: string, expected: number | null): Promise<void> {
    const { cache, onProgress } = this.opts;
    const url = `${this.endpoint}/${listing.repoId}/resolve/${listing.sha}/${encodePath(path)}`;
    const what = `downloading "${path}" from ${listing.repoId} (revision ${listing.revision})`;
    let offset = await cache.size(key);
    if (expected !== null && offset > expected) {
      await cache.reset(key);
      offset = 0;
    }
    if (expected !== null && offset === expected && offset > 0) return; // partial is already whole
    const res = await this.request(url, offset > 0 ? { Range: `bytes=${offset}-` } : {}, what);
    if (res.status === 416 && offset > 0) {
      // Our partial is not a prefix the server recognises: start over.
      await res.body?.cancel();
      await cache.reset(key);
      throw new Interrupted(`${what}: server refused to resume at byte ${offset}`);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw this.failure(res.status, res.statusText, what, listing.repoId);
    }
    let total: number | null = expected;
    if (res.status === 206) {
      const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!m || Number(m[1]) !== offset) {
        await res.body?.cancel();
        await cache.reset(key);
        throw new Interrupted(`${what}: server answered a different range than asked (${res.headers.get('content-range')})`);
      }
      if (m[2] !== '*') total = Number(m[2]);
    } else {
      // 200: the whole file, whatever we had.
      if (offset > 0) await cache.reset(key);
      offset = 0;
      const len = res.headers.get('content-length');
      if (len !== null && total === null) total = Number(len);
    }
    if (!res.body) throw new HubError(`${what}: empty response body`);
    let loaded = offset;
    onProgress?.({ file: path, loaded, total });
    const reader = res.body.getReader();
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const block = new Uint8Array(pendingBytes);
      let o = 0;
      for (const c of pending) {
        block.set(c, o);
        o += c.length;
      }
      pending = [];
      pendingBytes = 0;
      await cache.append(key, block);
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending.push(value);
        pendingBytes += value.length;
        loaded += value.length;
        if (pendingBytes >= CHUNK_FLUSH) await flush();
        onProgress?.({ file: path, loaded, total });
      }
    } catch (e) {
      await flush(); // keep what arrived: the next attempt resumes from it
      throw new Interrupted(
        `${what}: connection broken after ${loaded} of ${total ?? '?'} bytes (${(e as Error).message}); run again to resume`,
      );
    }
    await flush();
    if (total !== null && loaded !== total) {
      throw new Interrupted(`${what}: got ${loaded} of ${total} bytes; run again to resume`);
    }
  }

  /**
   * Everything needed to embed a model: config.json and tokenizer files when present, and the
   * weights: a named GGUF file, else model.safetensors.index.json and its shards, else
   * model.safetensors.
   */
  async model(ref: string | RepoRef, opts: { gguf?: string } = {}): Promise<DownloadedModel> {
    const listing = await this.list(ref);
    const present = new Set(listing.files.map((f) => f.path));
    const files = new Map<string, Blob>();
    const get = async (p: string) => {
      files.set(p, await this.file(listing, p));
    };
    let weights: string[];
    if (opts.gguf) {
      if (!present.has(opts.gguf)) {
        const ggufs = [...present].filter((p) => p.endsWith('.gguf'));
        throw new HubError(
          `file "${opts.gguf}" is not in ${listing.repoId} at revision ${listing.revision}` +
            (ggufs.length ? ` (GGUF files there: ${ggufs.join(', ')})` : ' (it has no GGUF files)'),
          404,
        );
      }
      weights = [opts.gguf];
    } else {
      if (!present.has('config.json')) {
        throw new HubError(`file "config.json" is not in ${listing.repoId} at revision ${listing.revision}`, 404);
      }
      if (present.has('model.safetensors.index.json')) {
        await get('model.safetensors.index.json');
        weights = shardsOf(await files.get('model.safetensors.index.json')!.text(), listing.repoId);
        const missing = weights.filter((w) => !present.has(w));
        if (missing.length) throw new HubError(`${listing.repoId}: shard "${missing[0]}" named by the index is not in the repo`, 404);
      } else if (present.has('model.safetensors')) {
        weights = ['model.safetensors'];
      } else {
        throw new HubError(`${listing.repoId} has no model.safetensors or model.safetensors.index.json (try a GGUF file)`, 404);
      }
    }
    for (const p of ['config.json', ...TOKENIZER_FILES]) if (present.has(p)) await get(p);
    for (const w of weights) await get(w);
    return { repoId: listing.repoId, revision: listing.revision, sha: listing.sha, files, weights };
  }
}

export interface DownloadedModel {
  repoId: string;
  revision: string;
  sha: string;
  /** Repo path -> contents (config, tokenizer files, index, weights). */
  files: Map<string, Blob>;
  /** The weight files in load order. */
  weights: string[];
}

/** Distinct shard file names of a safetensors index, sorted (model-00001-of-00002... order). */
export function shardsOf(indexJson: string, repoId = 'repo'): string[] {
  let index: { weight_map?: Record<string, unknown> };
  try {
    index = JSON.parse(indexJson);
  } catch {
    throw new HubError(`${repoId}: model.safetensors.index.json is not valid JSON`);
  }
  if (typeof index.weight_map !== 'object' || index.weight_map === null) {
    throw new HubError(`${repoId}: model.safetensors.index.json has no weight_map`);
  }
  const shards = [...new Set(Object.values(index.weight_map))];
  for (const s of shards) {
    if (typeof s !== 'string') throw new HubError(`${repoId}: weight_map holds a non-string file name`);
    checkRepoPath(s);
  }
  return (shards as string[]).sort();
}

/** A broken or refused transfer that another attempt can resume. */
class Interrupted extends Error {}
