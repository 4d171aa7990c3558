// A tokenizer for a GGUF-only model, from its tokenizer.ggml.* metadata.
//
// A GGUF carries no tokenizer.json. We build the equivalent one the way transformers (Python, 5.x,
// integrations/gguf/gguf_tokenizer_mapping.py) does when loading `gguf_file=`, so that ids match
// that reference, and hand it to loadTokenizer:
//   model "gpt2"  -> byte-level BPE with the file's merges; the split regex chosen by
//                    tokenizer.ggml.pre where transformers knows it, else GPT-2's ByteLevel regex;
//   model "llama" -> SentencePiece-style BPE with byte fallback; merges recovered from the
//                    vocabulary (ordered by score, or by file position for Gemma);
// control tokens (type 3) become special added tokens, user-defined ones (type 4) plain added
// tokens; BOS/EOS by tokenizer.ggml.add_bos_token / add_eos_token (BOS defaults on for "llama").
import { byteLevelDecoder, utf8 } from "./byte-stream.ts";
import { loadTokenizer, type Tokenizer } from "./tokenizer.ts";

type Json = Record<string, any>;
/**
 * GGUF metadata by key: a Map (src/weights' reader) or a plain object (@huggingface/gguf); arrays
 * may be typed arrays. Strings must be decoded keeping a leading U+FEFF (TextDecoder with
 * ignoreBOM: true): Gemma's vocabulary has tokens that start with one.
 */
export type GgufMetadata = ReadonlyMap<string, unknown> | Record<string, unknown>;

function get(meta: GgufMetadata, key: string): unknown {
  return meta instanceof Map ? meta.get(key) : (meta as Record<string, unknown>)[key];
}

function list<T>(meta: GgufMetadata, key: string): T[] | undefined {
  const v = get(meta, key);
  if (Array.isArray(v)) return v as T[];
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<T>);
  return undefined;
}

function num(meta: GgufMetadata, key: string): number | undefined {
  const v = get(meta, key);
  return typeof v === "number" || typeof v === "bigint" ? Number(v) : undefined;
}

const TOKEN_TYPE_CONTROL = 3;
const TOKEN_TYPE_USER_DEFINED = 4;

// Split regexes by tokenizer.ggml.pre, as transformers maps them (others: GPT-2's ByteLevel regex).
const LLAMA3_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN35_SPLIT =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const TEKKEN_SPLIT =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const GPT4O_SPLIT =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const PRE_TOKENIZER_SPLITS: Record<string, string> = {
  llama3: LLAMA3_SPLIT,
  "llama-v3": LLAMA3_SPLIT,
  "llama-bpe": LLAMA3_SPLIT,
  falcon3: LLAMA3_SPLIT,
  "falcon-h1": LLAMA3_SPLIT,
  pixtral: LLAMA3_SPLIT,
  "midm-2.0": LLAMA3_SPLIT,
  lfm2: LLAMA3_SPLIT,
  "jina-v5-nano": LLAMA3_SPLIT,
  dbrx: LLAMA3_SPLIT,
  "smaug-bpe": LLAMA3_SPLIT,
  tekken: TEKKEN_SPLIT,
  qwen2: QWEN2_SPLIT,
  "deepseek-r1-qwen": QWEN2_SPLIT,
  kormo: QWEN2_SPLIT,
  f2llmv2: QWEN2_SPLIT,
  megrez: QWEN2_SPLIT,
  qwen35: QWEN35_SPLIT,
  "gpt-4o": GPT4O_SPLIT,
  llama4: GPT4O_SPLIT,
  kanana2: GPT4O_SPLIT,
  talkie: GPT4O_SPLIT,
  "minimax-m2": GPT4O_SPLIT,
};

const GEMMA_ARCHS = new Set(["gemma", "gemma2", "gemma3"]);

const codePoints = (s: string) => Array.from(s);

/**
 * Merges implied by a vocabulary (transformers' generate_merges): every split of a token into two
 * vocabulary pieces, best token first by score, ties by longer left then longer right piece
 * (lengths in code points), the sort stable as Python's sorted(reverse=True).
 */
export function mergesFromVocabulary(vocab: Map<string, number>, scores: Map<string, number>): [string, string][] {
  const merges: { l: string; r: string; score: number; ll: number; lr: number }[] = [];
  for (const [merge, score] of scores) {
    const cps = codePoints(merge);
    const local: { l: string; r: string; score: number; ll: number; lr: number }[] = [];
    for (let k = 1; k < cps.length; k++) {
      const l = cps.slice(0, k).join("");
      const r = cps.slice(k).join("");
      if (vocab.has(l) && vocab.has(r)) local.push({ l, r, score, ll: k, lr: cps.length - k });
    }
    local.sort((a, b) => vocab.get(a.l)! - vocab.get(b.l)! || vocab.get(a.r)! - vocab.get(b.r)!);
    for (const m of local) merges.push(m);
  }
  merges.sort((a, b) => b.score - a.score || b.ll - a.ll || b.lr - a.lr);
  return merges.map((m) => [m.l, m.r]);
}

function indexMap(tokens: readonly string[]): Map<string, number> {
  // As a Python dict comprehension: a repeated key keeps its first position, takes the last value.
  const m = new Map<string, number>();
  tokens.forEach((t, i) => {
    m.set(t, i);
  });
  return m;
}

const SENTENCEPIECE_DECODER = {
  type: "Sequence",
  decoders: [
    { type: "Replace", pattern: { String: "▁" }, content: " " },
    { type: "ByteFallback" },
    { type: "Fuse" },
  ],
};

function bpeModel(vocab: Map<string, number>, merges: [string, string][], sentencepiece: boolean, unk: string | null) {
  return {
    type: "BPE",
    dropout: null,
    unk_token: sentencepiece ? unk : null,
    continuing_subword_prefix: sentencepiece ? null : "",
    end_of_word_suffix: sentencepiece ? null : "",
    fuse_unk: sentencepiece,
    byte_fallback: sentencepiece,
    ignore_merges: false,
    vocab: Object.fromEntries(vocab),
    merges,
  };
}

/** The tokenizer.json and tokenizer_config.json transformers would build from this metadata. */
export function ggufTokenizerFiles(meta: GgufMetadata): { tokenizerJson: Json; tokenizerConfig: Json } {
  const model = get(meta, "tokenizer.ggml.model");
  const arch = String(get(meta, "general.architecture") ?? "");
  const pre = String(get(meta, "tokenizer.ggml.pre") ?? "");
  const tokens = list<string>(meta, "tokenizer.ggml.tokens");
  if (!tokens) throw new Error("GGUF metadata has no tokenizer.ggml.tokens");
  const types = list<number>(meta, "tokenizer.ggml.token_type") ?? [];
  const fileMerges = list<string>(meta, "tokenizer.ggml.merges");
  const tokenAt = (key: string) => {
    const id = num(meta, key);
    return id !== undefined && id < tokens.length ? tokens[id] : null;
  };
  const addPrefixSpace = get(meta, "tokenizer.ggml.add_space_prefix") === true;

  let json: Json;
  let vocab: Map<string, number>;
  if (model === "gpt2") {
    // Byte-level: a token written with characters outside the byte alphabet is respelled in it.
    const alphabet = byteLevelDecoder();
    const spelling = new Map<number, string>();
    for (const [ch, b] of alphabet) spelling.set(b, ch);
    const respelled = tokens.map((t) =>
      codePoints(t).every((c) => alphabet.has(c))
        ? t
        : Array.from(utf8(t), (b) => spelling.get(b)!).join(""),
    );
    vocab = indexMap(respelled);
    if (!fileMerges) throw new Error("GGUF gpt2 tokenizer without tokenizer.ggml.merges");
    const merges = fileMerges.map((m) => m.split(" ") as [string, string]);
    const split = PRE_TOKENIZER_SPLITS[pre];
    json = {
      normalizer: null,
      pre_tokenizer: split
        ? {
            type: "Sequence",
            pretokenizers: [
              { type: "Split", pattern: { Regex: split }, behavior: "Isolated", invert: false },
              { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
            ],
          }
        : { type: "ByteLevel", add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true },
      model: bpeModel(vocab, merges, false, null),
      decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
      post_processor: null,
    };
  } else if (model === "llama") {
    const gemma = GEMMA_ARCHS.has(arch);
    // Gemma stores tokens of two or more spaces as spaces; its vocabulary spells them with "▁".
    const respelled = gemma ? tokens.map((t) => (t.includes(" ") && t.trim() === "" ? "▁".repeat(t.length) : t)) : tokens;
    vocab = indexMap(respelled);
    let merges: [string, string][];
    if (fileMerges) merges = fileMerges.map((m) => m.split(" ") as [string, string]);
    else if (gemma) {
      // Gemma's scores do not follow its merge order; the file order does.
      merges = mergesFromVocabulary(vocab, new Map(Array.from(vocab, ([t, i]) => [t, -i])));
    } else {
      const scores = list<number>(meta, "tokenizer.ggml.scores");
      if (!scores) throw new Error("GGUF llama tokenizer without merges or scores");
      const byToken = new Map<string, number>();
      respelled.forEach((t, i) => {
        byToken.set(t, scores[i]);
      });
      merges = mergesFromVocabulary(vocab, byToken);
    }
    const unk = tokenAt("tokenizer.ggml.unknown_token_id") ?? "<unk>";
    json = gemma
      ? {
          normalizer: { type: "Replace", pattern: { String: " " }, content: "▁" },
          pre_tokenizer: { type: "Split", pattern: { String: " " }, behavior: "MergedWithPrevious", invert: false },
          model: bpeModel(vocab, merges, true, unk),
          decoder: SENTENCEPIECE_DECODER,
          post_processor: null,
        }
      : {
          // LlamaTokenizer: Metaspace with the dummy prefix on the first section only.
          normalizer: null,
          pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
          model: bpeModel(vocab, merges, true, unk),
          decoder: {
            ...SENTENCEPIECE_DECODER,
            decoders: [...SENTENCEPIECE_DECODER.decoders, { type: "Strip", content: " ", start: 1, stop: 0 }],
          },
          post_processor: null,
        };
  } else {
    throw new Error(`GGUF tokenizer model ${JSON.stringify(model)} is not supported (gpt2 and llama are)`);
  }

  const byteAlphabet = model === "gpt2" ? byteLevelDecoder() : null;
  const added: Json[] = [];
  tokens.forEach((t, id) => {
    if (types[id] === TOKEN_TYPE_CONTROL && (!byteAlphabet || codePoints(t).every((c) => byteAlphabet.has(c)))) {
      added.push({ id, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    } else if (types[id] === TOKEN_TYPE_USER_DEFINED && vocab.has(t)) {
      added.push({ id, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
    }
  });
  json.added_tokens = added;
  json.version = "1.0";

  const addBos = get(meta, "tokenizer.ggml.add_bos_token");
  const config: Json = {
    add_bos_token: addBos === true || (model === "llama" && addBos === undefined),
    add_eos_token: get(meta, "tokenizer.ggml.add_eos_token") === true,
    bos_token: tokenAt("tokenizer.ggml.bos_token_id"),
    eos_token: tokenAt("tokenizer.ggml.eos_token_id"),
    unk_token: tokenAt("tokenizer.ggml.unknown_token_id"),
    pad_token: tokenAt("tokenizer.ggml.padding_token_id"),
  };
  return { tokenizerJson: json, tokenizerConfig: config };
}

/** A Tokenizer for a GGUF model from its metadata (as @huggingface/gguf or src/weights read it). */
export function tokenizerFromGguf(meta: GgufMetadata, name?: string): Tokenizer {
  const { tokenizerJson, tokenizerConfig } = ggufTokenizerFiles(meta);
  return loadTokenizer(tokenizerJson, tokenizerConfig, {
    name: name ?? String(get(meta, "general.name") ?? get(meta, "general.architecture") ?? "gguf"),
  });
}
