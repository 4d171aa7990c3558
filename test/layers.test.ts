// The floors are checked, not a convention: deliberately bad files, laid out as in src/, must be
// refused by the linter (biome.json's per-folder rules) and by the core's tsconfig (no DOM or Node
// types). A clean copy of the same DOM code in src/app shows the rules are per folder.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'able-layers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NODE_IN_CORE = "import { readFileSync } from 'node:fs';\nimport { x } from '../cli/embed.ts';\nexport const a = [readFileSync, x];\n";
const DOM = "import { createRoot } from 'react-dom/client';\nexport const b = [createRoot, document.title];\n";

function lay(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
}

/** Runs a tool in the scratch tree; its exit status and all it printed. */
function run(cmd: string, args: string[]): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync(cmd, args, { cwd: work, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

describe('layer rules', () => {
  it('the linter refuses a Node import in the core and a DOM import outside the app', () => {
    copyFileSync(join(ROOT, 'biome.json'), join(work, 'biome.json'));
    lay({ 'src/engine/bad.ts': NODE_IN_CORE, 'src/cli/bad.ts': DOM, 'src/app/ok.ts': DOM });
    const { status, out } = run(join(ROOT, 'node_modules/.bin/biome'), ['lint', '--max-diagnostics=50', 'src']);
    expect(status).not.toBe(0);
    const hits = [...out.matchAll(/(src\/\w+\/\w+\.ts):(\d+):\d+ lint\/style\/(noRestricted\w+)/g)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
    expect(hits.sort()).toEqual([
      'src/cli/bad.ts:1 noRestrictedImports', // react-dom
      'src/cli/bad.ts:2 noRestrictedGlobals', // document
      'src/engine/bad.ts:1 noRestrictedImports', // node:fs
      'src/engine/bad.ts:2 noRestrictedImports', // a face imported by the core
    ]);
  });

  it("the core's tsconfig has no Node or DOM types", () => {
    lay({
      'core/bad.ts': "import { readFileSync } from 'node:fs';\nexport const a = [readFileSync, document.title];\n",
      'core/tsconfig.json': JSON.stringify({
        extends: join(ROOT, 'tsconfig.core.json'),
        include: ['bad.ts', join(ROOT, 'types/core-globals.d.ts')],
        exclude: [],
      }),
    });
    const { status, out } = run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'core/tsconfig.json', '--noEmit']);
    expect(status).not.toBe(0);
    expect(out).toMatch(/bad\.ts\(1,\d+\): error TS2591: Cannot find name 'node:fs'/);
    expect(out).toMatch(/bad\.ts\(2,\d+\): error TS2584: Cannot find name 'document'/);
  });
});
