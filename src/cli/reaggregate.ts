// `able reaggregate`: embedding files under another method version without running the model again
// (the versions differ only in the per-probe scaling of the same word attributions; docs/method.md).
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type EmbeddingRecord, embeddingToJson, parseEmbeddingJson } from '../able/embedding-file.ts';
import { reaggregateRecord } from '../able/reaggregate-record.ts';
import { CURRENT_METHOD_VERSION, parseMethodVersion } from '../able/spec.ts';
import { flag, positionals } from './args.ts';
import { commands } from './commands.ts';
import { replaceFiles } from './node-files.ts';

commands.push({
  name: 'reaggregate',
  summary: 'rewrite embedding files under another method version (no model run)',
  help: [
    'Usage: able reaggregate FILE.able.json... [--spec v1|v2] [--out-dir DIR]',
    '',
    `  --spec v1|v2     the method version to write (default v${CURRENT_METHOD_VERSION})`,
    '  --out-dir DIR    where to write (default: beside each input)',
    '',
    'Each output is named <model>.<new spec hash, 12 hex>.able.json and records the spec hash it came',
    'from (field "reaggregated"); a file already under that version is copied unchanged.',
  ].join('\n'),
  async run(args) {
    const files = positionals(args);
    if (files.length === 0) throw new Error('give one or more embedding files (see able reaggregate --help)');
    const version = parseMethodVersion(flag(args, '--spec') ?? String(CURRENT_METHOD_VERSION));
    const outDir = flag(args, '--out-dir');
    const date = new Date().toISOString();
    const writes: { path: string; data: string }[] = [];
    for (const f of files) {
      let rec: EmbeddingRecord;
      try {
        rec = await parseEmbeddingJson(readFileSync(f, 'utf8'));
      } catch (e) {
        throw new Error(`${f}: ${(e as Error).message}`);
      }
      const out = await reaggregateRecord(rec, version, date);
      const stem = basename(f).replace(/(\.[0-9a-f]{12})?\.able\.json$/, '');
      writes.push({ path: join(outDir ?? dirname(f), `${stem}.${out.specHash.slice(0, 12)}.able.json`), data: embeddingToJson(out, { base64: true }) });
    }
    // all inputs are read and checked before any file is written
    await replaceFiles(writes);
    for (const w of writes) console.log(`reaggregate: ${w.path} (method v${version})`);
    return 0;
  },
});
