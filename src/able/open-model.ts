// A model's files -> everything embedModel needs. The same code serves local files (Node file
// sources, browser File objects) and hub downloads: files arrive as named ByteSources.
import * as models from '../models/index.ts';
import { loadTokenizer, type Tokenizer } from '../text/tokenizer.ts';
import { tokenizerFromGguf } from '../text/gguf-tokenizer.ts';
import { type ByteSource, openGGUF, openSafetensors } from '../weights/index.ts';

export interface OpenedModel {
  spec: models.ArchSpec;
  model: models.LoadedModel;
  tokenizer: Tokenizer;
  /** 'gguf' or 'safetensors', and the weights file names (for identity and errors). */
  format: 'gguf' | 'safetensors';
  weightFiles: string[];
}

const base = (name: string) => name.split(/[\\/]/).pop() ?? name;

async function readJson(src: ByteSource): Promise<any> {
  const text = new TextDecoder().decode(await src.read(0, src.size));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${src.name}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Opens a GGUF file, or a Hugging Face model folder (config.json, tokenizer.json,
 * tokenizer_config.json, model.safetensors or shards listed by model.safetensors.index.json).
 * Unsupported architectures and wrong shapes fail here, before any graph is built.
 */
export interface OpenModelOptions {
  /**
   * Wraps the weight store before the tensors are loaded: the CLI moves each tensor into a file
   * onnxruntime maps (src/cli/weight-file.ts) so no float32 copy stays in the JS heap. Given the
   * spec too (the lab reads the embedding table by its family's name as it passes).
   */
  wrapStore?: (store: models.WeightStore, spec: models.ArchSpec) => models.WeightStore;
  /** called with the spec before any weight is read (the memory guard) */
  checkSpec?: (spec: models.ArchSpec) => void;
  /**
   * GGUF tensors dequantized on demand, each time a session copies them in (ggufStore's lazy): the
   * tab on WASM, where the float32 copies would otherwise sit in the JS heap beside ORT's.
   */
  lazyWeights?: boolean;
}

export async function openModel(files: ByteSource[], opts: OpenModelOptions = {}): Promise<OpenedModel> {
  const wrap = (s: models.WeightStore, spec: models.ArchSpec) => (opts.wrapStore ? opts.wrapStore(s, spec) : s);
  const byName = new Map(files.map((f) => [base(f.name), f]));
  const ggufs = files.filter((f) => base(f.name).toLowerCase().endsWith('.gguf'));
  if (ggufs.length > 1) throw new Error(`several GGUF files given (${ggufs.map((f) => base(f.name)).join(', ')}): pick one`);
  if (ggufs.length === 1) {
    const gguf = await openGGUF(ggufs[0]);
    // The whole file, not just metadata: tied heads and biases show only in the tensor list.
    const spec = models.archSpecFromGguf(gguf);
    opts.checkSpec?.(spec); // before any weight is read (the memory guard)
    const model = await models.loadModel(spec, wrap(models.ggufStore(gguf, spec, { lazy: opts.lazyWeights }), spec));
    return { spec, model, tokenizer: tokenizerFromGguf(gguf.metadata), format: 'gguf', weightFiles: [base(ggufs[0].name)] };
  }

  const config = byName.get('config.json');
  if (!config) throw new Error('no config.json and no .gguf file: give a GGUF file or a model folder with config.json');
  const spec = models.archSpecFromConfig(await readJson(config));
  opts.checkSpec?.(spec);
  const index = byName.get('model.safetensors.index.json');
  let shardNames: string[];
  if (index) {
    const map = (await readJson(index)).weight_map ?? {};
    shardNames = [...new Set(Object.values(map) as string[])].sort();
  } else {
    shardNames = [...byName.keys()].filter((n) => n.endsWith('.safetensors')).sort();
  }
  if (shardNames.length === 0) throw new Error('no weights: expected model.safetensors (or shards with their index) beside config.json');
  const missing = shardNames.filter((n) => !byName.has(n));
  if (missing.length) throw new Error(`model.safetensors.index.json lists ${missing.join(', ')}, which is missing`);
  const shards = await Promise.all(shardNames.map((n) => openSafetensors(byName.get(n)!)));
  const model = await models.loadModel(spec, wrap(models.safetensorsStore(shards), spec));

  const tok = byName.get('tokenizer.json');
  if (!tok) throw new Error('no tokenizer.json beside config.json (the model\'s own tokenizer is needed for word alignment)');
  const tokConfig = byName.get('tokenizer_config.json');
  const tokenizer = loadTokenizer(await readJson(tok), tokConfig ? await readJson(tokConfig) : {});
  return { spec, model, tokenizer, format: 'safetensors', weightFiles: shardNames };
}
