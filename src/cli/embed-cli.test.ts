// Issue 13 defects 5, 6, 9, 10 and the atomic `embed --out` of defect 2, through the real command.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseEmbeddingJson } from '../able/embedding-file';
import { commands } from './commands';
import { embedOptionsFromArgs, looksLikePath } from './embed';
import { checkWritable } from './node-files';

const work = mkdtempSync(join(tmpdir(), 'able-embed-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const embed = () => commands.find((c) => c.name === 'embed')!;

function tinyLlama(): string {
  const dir = join(work, 'tiny-llama');
  mkdirSync(dir, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join('test/fixtures/tiny/llama', f), join(dir, f));
  const meta = JSON.parse(readFileSync('test/fixtures/tiny/llama/meta.json', 'utf8'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join('test/fixtures/tiny/tokenizers', meta.tokenizer, f), join(dir, f));
  return dir;
}

describe('output path checked before any work (defect 5)', () => {
  it('a missing folder is refused first, before the (also bad) input is looked at', async () => {
    await expect(embed().run(['models/nope.gguf', '--out', join(work, 'no-such-dir', 'x.able.json')])).rejects.toThrow(
      /--out .*no-such-dir\/x\.able\.json: folder .*no-such-dir does not exist/,
    );
  });
  it('a folder given as the file', async () => {
    await expect(embed().run(['models/nope.gguf', '--out', work])).rejects.toThrow(/is a folder; give a file name/);
  });
  it('a file where the folder should be', async () => {
    writeFileSync(join(work, 'plain'), 'x');
    await expect(checkWritable(join(work, 'plain', 'x.able.json'))).rejects.toThrow(/is not a folder/);
  });
  it('a read-only folder (as root, checked by a child process running as nobody: root writes anyway)', async () => {
    chmodSync(work, 0o755);
    const ro = join(work, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    const target = join(ro, 'x.able.json');
    if (process.getuid?.() !== 0) {
      await expect(checkWritable(target)).rejects.toThrow(/cannot write in/);
      return;
    }
    // the child gets checkWritable as plain JS beside it: nobody may not be able to read this checkout
    const js = ts.transpileModule(readFileSync('src/cli/node-files.ts', 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(work, 'node-files.mjs'), js, { mode: 0o644 });
    const script = join(work, 'check-ro.mjs');
    writeFileSync(
      script,
      `import { checkWritable } from './node-files.mjs';\n` +
        `try { await checkWritable(${JSON.stringify(target)}); console.log('written'); } catch (e) { console.log(e.message); }\n`,
      { mode: 0o644 },
    );
    const out = execFileSync(process.execPath, [script], { uid: 65534, gid: 65534, cwd: work, encoding: 'utf8' });
    expect(out).toMatch(/--out .*ro\/x\.able\.json: cannot write in .*ro \(EACCES\)/);
  });
});

describe('--threads (defect 6)', () => {
  it('refuses nonsense and clamps to the hardware', () => {
    expect(() => embedOptionsFromArgs(['--threads', 'abc'])).toThrow('--threads: "abc" is not a whole number of threads >= 1');
    expect(() => embedOptionsFromArgs(['--threads', '0'])).toThrow(/--threads: "0"/);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(embedOptionsFromArgs(['--threads', '100000']).threads).toBe(availableParallelism());
    expect(err.mock.calls.flat().join('\n')).toContain(`--threads: 100000 asked, this machine has ${availableParallelism()} cores`);
    err.mockRestore();
    expect(embedOptionsFromArgs(['--threads', '1']).threads).toBe(1);
  });
});

describe('a mistyped path is "file not found", not a hub request (defect 9)', () => {
  it('path-looking arguments', async () => {
    await expect(embed().run(['models/nope.gguf', '--out', join(work, 'a.json')])).rejects.toThrow('models/nope.gguf: file not found');
    await expect(embed().run(['./nope', '--out', join(work, 'a.json')])).rejects.toThrow('./nope: file not found');
    for (const p of ['models/nope.gguf', './x', '../x', '/abs/x', '~/x', 'a/b/c', 'x.safetensors', 'dir\\file'])
      expect(looksLikePath(p), p).toBe(true);
    for (const h of ['Qwen/Qwen2.5-0.5B', 'org/name@refs/pr/1', 'org/name:model.Q4_0.gguf', 'HuggingFaceTB/SmolLM2-135M@main'])
      expect(looksLikePath(h), h).toBe(false);
  });
});

describe('unusual files (defect 10)', () => {
  it('a FIFO given as the model is refused at once, not waited on', async () => {
    const fifo = join(work, 'model.gguf');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    await expect(embed().run([fifo, '--out', join(work, 'f.json')])).rejects.toThrow(`${fifo}: not a regular file or folder`);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
  it('a dangling symlink in a model folder is ignored; the embed completes; --out replaces atomically', async () => {
    const dir = tinyLlama();
    symlinkSync(join(work, 'gone'), join(dir, 'README.md'));
    const out = join(work, 'tiny.able.json');
    writeFileSync(out, 'previous');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await embed().run([dir, '--out', out, '--name', 'tiny-llama'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const rec = await parseEmbeddingJson(readFileSync(out, 'utf8'));
    expect(rec.model).toMatchObject({ file: 'tiny-llama' });
    expect(rec.vector.length).toBe(rec.dim);
  });
});

describe('memory guard before work starts', () => {
  it('a model estimated above --memory-limit is refused with the numbers', async () => {
    const dir = tinyLlama();
    await expect(embed().run([dir, '--out', join(work, 'm.able.json'), '--memory-limit', '100M'])).rejects.toThrow(
      /not enough memory: this model \(1 M parameters, 3 layers, vocabulary 32000\) needs about \d+ MiB .* but --memory-limit is 100 MiB/,
    );
    expect(() => embedOptionsFromArgs(['--memory-limit', 'lots'])).toThrow('--memory-limit: "lots" is not a size such as 6G or 512M');
    expect(embedOptionsFromArgs(['--memory-limit', '6G']).memoryBytes).toBe(6 * 2 ** 30);
  });
});

describe('--spec', () => {
  it('v1 or v2 (default: the current version), anything else refused by name', () => {
    expect(embedOptionsFromArgs([]).version).toBeUndefined(); // makeSpec's default: CURRENT_METHOD_VERSION
    expect(embedOptionsFromArgs(['--spec', 'v1']).version).toBe(1);
    expect(embedOptionsFromArgs(['--spec', '2']).version).toBe(2);
    expect(() => embedOptionsFromArgs(['--spec', 'v3'])).toThrow('unknown method version "v3": expected v1 or v2');
    expect(() => embedOptionsFromArgs(['--spec'])).toThrow('--spec needs a value');
  });
});
