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
function parts(node: Json | null | undefined): Json[] {
  if (!node) return [];
  const children = node.normalizers ?? node.pretokenizers ?? node.decoders ?? node.processors;
  return Array.isArray(children) ? children.flatMap(parts) : [node];
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
  const inner = new HfTokenizer(json, tokenizerConfig);
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
      const enc = inner.encode(text);
      const pieces: TokenPiece[] = enc.ids.map((id, i) => {
        const a = addedById.get(id);
        return { token: enc.tokens[i], special: a ? a.special : templateSpecials.has(id), added: a !== undefined };
      });
      const { spans } = alignTokenSpans(byteStream(text, form), pieces, scheme);
      return { ids: enc.ids, spans };
    },
  };
}
