// src/text: tokenizers with exact spans, word segmentation and token-to-word alignment.
export { ggufTokenizerFiles, type GgufMetadata, tokenizerFromGguf } from "./gguf-tokenizer.ts";
export { type LoadOptions, loadTokenizer, type TokenizedText, type Tokenizer } from "./tokenizer.ts";
export { alignToWords, type Span, segmentWords, WORD_REGEX_SOURCE, type Word } from "./words.ts";
