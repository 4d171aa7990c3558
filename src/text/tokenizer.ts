// Tokenizers from a tokenizer.json (+ tokenizer_config.json) object, with exact spans.
//
// Library choice: @huggingface/tokenizers (Tokenizers.js), not @huggingface/transformers. It is the
// tokenizer code transformers.js itself runs (same ids, FINDINGS.md), ~37 kB minified with no
// dependencies, and has a plain offline constructor `new Tokenizer(json, config)`. Importing
// transformers.js would pull its onnxruntime-web pin and model code into the app bundle for nothing.
// Neither returns offsets; spans come from vocabulary-bytes alignment (spans.ts).
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { byteStream, type UnicodeForm } from "./byte-stream.ts";
import { alignTokenSpans, type TokenByteScheme, type TokenPiece } from "./spans.ts";
import type { Span } from "./words.ts";

export interface TokenizedText {
  ids: number[];
  spans: Span[];
}

export interface Tokenizer {
  encode(text: string): TokenizedText;
  vocabSize: number;
  name: string;
  bosId?: number;
  eosId?: number;
}

type Json = Record<string, any>;

interface AddedTokenJson {
  id: number;
  content: string;
  special: boolean;
}

/** Components of a (possibly Sequence) normalizer / pre-tokenizer / decoder, flattened. */
function parts(node: Json | null | undefined, depth = 0): Json[] {
  if (!node || typeof node !== "object") return [];
  if (depth > 16) throw new TokenizerFileError("tokenizer.json", "sequences nested more than 16 deep");
  const children = node.normalizers ?? node.pretokenizers ?? node.decoders ?? node.processors;
  return Array.isArray(children) ? children.flatMap((c) => parts(c, depth + 1)) : [node];
}

/** A tokenizer file that cannot be used; the message names the file and the field. */
export class TokenizerFileError extends Error {
  override readonly name = "TokenizerFileError";
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const MAX_TOKEN_ID = 1 << 24;

/**
 * The fields this module and the tokenizer library read, checked before either touches them, so a
 * damaged or hostile tokenizer.json is refused by field instead of failing inside the library.
 */
export function validateTokenizerJson(json: unknown, config: unknown, file = "tokenizer.json"): void {
  const fail = (field: string, detail: string): never => {
    throw new TokenizerFileError(file, `${field}: ${detail}`);
  };
  if (!isObj(json)) fail("(root)", "expected an object");
  const j = json as Json;
  if (!isObj(config)) throw new TokenizerFileError("tokenizer_config.json", "expected an object");
  const m = j.model;
  if (!isObj(m)) fail("model", "expected an object");
  if (m.type !== undefined && !["BPE", "WordPiece", "Unigram", "WordLevel"].includes(m.type))
    fail("model.type", `${JSON.stringify(m.type)} is not BPE, WordPiece, Unigram or WordLevel`);
  const id = (v: unknown, field: string) => {
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= MAX_TOKEN_ID) fail(field, `expected a token id in 0..${MAX_TOKEN_ID - 1}`);
  };
  if (Array.isArray(m.vocab)) {
    m.vocab.forEach((e: unknown, i: number) => {
      if (!Array.isArray(e) || typeof e[0] !== "string" || typeof e[1] !== "number") fail(`model.vocab[${i}]`, "expected [piece, score]");
    });
  } else if (isObj(m.vocab)) {
    for (const [k, v] of Object.entries(m.vocab)) id(v, `model.vocab[${JSON.stringify(k.slice(0, 20))}]`);
  } else fail("model.vocab", "expected an object or a list");
  if (m.merges !== undefined) {
    if (!Array.isArray(m.merges)) fail("model.merges", "expected a list");
    m.merges.forEach((x: unknown, i: number) => {
      const ok = typeof x === "string" ? x.includes(" ") : Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === "string");
      if (!ok) fail(`model.merges[${i}]`, 'expected "a b" or ["a", "b"]');
    });
  }
  for (const k of ["unk_token", "continuing_subword_prefix", "end_of_word_suffix"])
    if (m[k] !== undefined && m[k] !== null && typeof m[k] !== "string") fail(`model.${k}`, "expected a string or null");
  if (j.added_tokens !== undefined) {
    if (!Array.isArray(j.added_tokens)) fail("added_tokens", "expected a list");
    j.added_tokens.forEach((a: unknown, i: number) => {
      if (!isObj(a)) fail(`added_tokens[${i}]`, "expected an object");
      id((a as Json).id, `added_tokens[${i}].id`);
      if (typeof (a as Json).content !== "string" || (a as Json).content === "") fail(`added_tokens[${i}].content`, "expected a non-empty string");
    });
  }
  for (const k of ["normalizer", "pre_tokenizer", "post_processor", "decoder"]) {
    const v = j[k];
    if (v === undefined || v === null) continue;
    if (!isObj(v)) fail(k, "expected an object or null");
    parts(v).forEach((p, i) => {
      if (typeof p.type !== "string") fail(`${k} (part ${i}).type`, "expected a string");
    });
  }
}

function schemeOf(json: Json): TokenByteScheme {
  const all = [...parts(json.pre_tokenizer), ...parts(json.decoder)];
  if (all.some((p) => p.type === "ByteLevel")) return "byte-level";
  if (json.model?.byte_fallback || all.some((p) => p.type === "Metaspace" || p.type === "ByteFallback")) {
    return "sentencepiece";
  }
  return "plain";
}

function unicodeFormOf(json: Json): UnicodeForm | null {
  const forms = parts(json.normalizer)
    .map((p) => p.type)
    .filter((t): t is UnicodeForm => t === "NFC" || t === "NFD" || t === "NFKC" || t === "NFKD");
  return forms.length > 0 ? forms[forms.length - 1] : null;
}

/** A token string from tokenizer_config.json: a string, or {content} in older files. */
function tokenString(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as Json).content === "string") return (v as Json).content;
  return null;
}

/**
 * BOS/EOS as transformers (Python, v5) decides them: when tokenizer_config.json states
 * add_bos_token or add_eos_token (or the file has no post-processor), the post-processor becomes
 * [BOS] A [EOS] by those flags; otherwise the tokenizer.json's own post-processor stands.
 */
function withSpecialTokenTemplate(json: Json, config: Json, ids: Map<string, number>): Json {
  const explicit = "add_bos_token" in config || "add_eos_token" in config;
  if (!explicit && json.post_processor) return json;
  const bos = tokenString(config.bos_token);
  const eos = tokenString(config.eos_token);
  const addBos = config.add_bos_token === true && bos !== null && ids.has(bos);
  const addEos = config.add_eos_token === true && eos !== null && ids.has(eos);
  const seq = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const sp = (tok: string, typeId: number) => ({ SpecialToken: { id: tok, type_id: typeId } });
  const single = [...(addBos ? [sp(bos!, 0)] : []), seq("A", 0), ...(addEos ? [sp(eos!, 0)] : [])];
  const pair = [...single, ...(addBos ? [sp(bos!, 1)] : []), seq("B", 1), ...(addEos ? [sp(eos!, 1)] : [])];
  const special_tokens: Json = {};
  if (addBos) special_tokens[bos!] = { id: bos, ids: [ids.get(bos!)], tokens: [bos] };
  if (addEos) special_tokens[eos!] = { id: eos, ids: [ids.get(eos!)], tokens: [eos] };
  return { ...json, post_processor: { type: "TemplateProcessing", single, pair, special_tokens } };
}

export interface LoadOptions {
  name?: string;
}

/** A Tokenizer from tokenizer.json and tokenizer_config.json contents (parsed objects). */
export function loadTokenizer(tokenizerJson: Json, tokenizerConfig: Json = {}, options: LoadOptions = {}): Tokenizer {
  validateTokenizerJson(tokenizerJson, tokenizerConfig);
  const added: AddedTokenJson[] = tokenizerJson.added_tokens ?? [];
  const vocab: Json = tokenizerJson.model?.vocab ?? {};
  const ids = new Map<string, number>();
  // Unigram vocabularies are [piece, score] lists; BPE/WordPiece are {piece: id} maps.
  if (Array.isArray(vocab)) {
    vocab.forEach((entry: [string, number], i: number) => {
      ids.set(entry[0], i);
    });
  } else for (const [tok, id] of Object.entries(vocab)) ids.set(tok, id as number);
  for (const a of added) ids.set(a.content, a.id);

  const json = withSpecialTokenTemplate(tokenizerJson, tokenizerConfig, ids);
  // Beyond the fields checked above the library reads many optional ones; what it refuses is
  // reported as this file's problem, not as an error from inside the library.
  let inner: HfTokenizer;
  try {
    inner = new HfTokenizer(json, tokenizerConfig);
  } catch (e) {
    throw new TokenizerFileError("tokenizer.json", `the tokenizer cannot be built from it (${(e as Error).message})`);
  }
  const scheme = schemeOf(json);
  const form = unicodeFormOf(json);
  const addedById = new Map(added.map((a) => [a.id, a]));
  const templateSpecials = new Set<number>(
    Object.values((json.post_processor?.special_tokens ?? {}) as Json).flatMap((s: Json) => s.ids ?? []),
  );

  // One past the largest id, added tokens included: every id encode() returns is below it (a
  // model's embedding table may have more rows, e.g. padding to a multiple of 64).
  let vocabSize = 0;
  for (const id of ids.values()) vocabSize = Math.max(vocabSize, id + 1);
  const bos = tokenString(tokenizerConfig.bos_token);
  const eos = tokenString(tokenizerConfig.eos_token);

  return {
    name: options.name ?? tokenizerConfig.name_or_path ?? tokenizerConfig.tokenizer_class ?? "tokenizer",
    vocabSize,
    bosId: bos !== null ? ids.get(bos) : undefined,
    eosId: eos !== null ? ids.get(eos) : undefined,
    encode(text: string): TokenizedText {
      let enc: ReturnType<HfTokenizer["encode"]>;
      try {
        enc = inner.encode(text);
      } catch (e) {
        throw new TokenizerFileError("tokenizer.json", `tokenizing failed (${(e as Error).message})`);
      }
      const pieces: TokenPiece[] = enc.ids.map((id, i) => {
        const a = addedById.get(id);
        return { token: enc.tokens[i], special: a ? a.special : templateSpecials.has(id), added: a !== undefined };
      });
      const { spans } = alignTokenSpans(byteStream(text, form), pieces, scheme);
      return { ids: enc.ids, spans };
    },
  };
}
