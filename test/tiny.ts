// The tiny random models of reference/make_tiny.py (test/fixtures/tiny/<variant>), opened the way
// users' models are: as named files through openModel. One place for every test that needs them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OpenedModel, openModel } from '../src/able/open-model.ts';
import { BytesSource, type ByteSource } from '../src/weights/index.ts';

export const TINY_DIR = join(import.meta.dirname, 'fixtures/tiny');

/** The variants that carry PyTorch's golden figures (every folder but tokenizers/). */
export const TINY_VARIANTS = readdirSync(TINY_DIR).filter((d) => {
  try {
    readFileSync(join(TINY_DIR, d, 'golden.json'));
    return true;
  } catch {
    return false;
  }
});

export const tinyJson = (variant: string, file: string) => JSON.parse(readFileSync(join(TINY_DIR, variant, file), 'utf8'));

const source = (name: string, path: string): ByteSource => new BytesSource(name, new Uint8Array(readFileSync(path)));

/** A variant as a model folder: config.json, model.safetensors and its tokenizer's two files. */
export function tinyFiles(variant: string): ByteSource[] {
  const tok = join(TINY_DIR, 'tokenizers', tinyJson(variant, 'meta.json').tokenizer);
  return [
    source('config.json', join(TINY_DIR, variant, 'config.json')),
    source('model.safetensors', join(TINY_DIR, variant, 'model.safetensors')),
    source('tokenizer.json', join(tok, 'tokenizer.json')),
    source('tokenizer_config.json', join(tok, 'tokenizer_config.json')),
  ];
}

/** A variant opened by the real entry point, with its golden figures and config. */
export async function openTiny<G = any>(variant: string): Promise<OpenedModel & { golden: G; config: any }> {
  const opened = await openModel(tinyFiles(variant));
  return { ...opened, golden: tinyJson(variant, 'golden.json') as G, config: tinyJson(variant, 'config.json') };
}
