"""Golden values for the tiny fixtures: test/fixtures/tiny/<variant>/golden.json.

Loads each tiny model from its float16 model.safetensors into a float32 transformers model (eager
attention), tokenizes a few probes with the fixture's tokenizer.json (the `tokenizers` library, default
special tokens), and stores ids, spans, target mask, a logits summary, f, E, df/dE and gxi
(see oracle.py for the exact definitions).

Run: /tmp/refvenv/bin/python reference/golden.py [--dir test/fixtures/tiny] [--only llama,gpt2]
"""

import argparse
import json
import os

import numpy as np
import tokenizers
import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

from able_words import embedding, word_attributions
from oracle import attribute, encode, f32, integrated_gradients, logits_summary, write_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Short probes covering: a plain fact, an apostrophe + decimal + percent, code with a newline and
# indentation, non-ASCII letters and a digit group with a comma, a multi-token target.
PROBES = [
    {"id": "fact", "context": "The capital of France is", "target": " Paris"},
    {"id": "apostrophe", "context": "She doesn't like 3.5% interest rates, but", "target": " he does."},
    {"id": "code", "context": "def add(a, b):\n    return", "target": " a + b"},
    {"id": "unicode", "context": "Café prices rose by 1,000 euros in", "target": " one year"},
]
N_SAMPLE = 64


def load_model(d, dtype):
    m = AutoModelForCausalLM.from_pretrained(d, dtype=dtype, attn_implementation="eager")
    return m.eval()


def check_tokenizer(tok_dir, tok, text):
    """transformers' AutoTokenizer must agree with the raw tokenizer.json (which the JS side implements)."""
    hf = AutoTokenizer.from_pretrained(tok_dir)
    a = hf(text)["input_ids"]
    b = tok.encode(text).ids
    if a != b:
        print(f"  WARNING: AutoTokenizer {a} != tokenizers {b} for {text!r}")


def open_variant(variant_dir):
    """meta.json, the tokenizer folder, its tokenizers.Tokenizer, and the model in float32 and float64."""
    meta = json.load(open(os.path.join(variant_dir, "meta.json")))
    tok_dir = os.path.join(os.path.dirname(variant_dir), "tokenizers", meta["tokenizer"])
    tok = tokenizers.Tokenizer.from_file(os.path.join(tok_dir, "tokenizer.json"))
    return meta, tok_dir, tok, load_model(variant_dir, torch.float32), load_model(variant_dir, torch.float64)


def golden_for(variant_dir):
    meta, tok_dir, tok, model, model64 = open_variant(variant_dir)
    vocab = model.config.vocab_size
    sample_ids = sorted(np.random.default_rng(0).choice(vocab, N_SAMPLE, replace=False).tolist())
    cases, word_vecs, ig_vecs, norm_vecs = [], [], [], []
    for p in PROBES:
        text, ids, spans, special, target_mask = encode(tok, p["context"], p["target"])
        check_tokenizer(tok_dir, tok, text)
        r = attribute(model, ids, target_mask, model64=model64)
        ig, _ = integrated_gradients(model, ids, target_mask, m=16)
        words, wa = word_attributions(p["context"], spans, special, target_mask, r["gxi"].numpy())
        word_vecs.append(wa)
        ig_vecs.append(word_attributions(p["context"], spans, special, target_mask, ig.numpy())[1])
        gn = r["grad"].norm(dim=-1)
        norm_vecs.append(word_attributions(p["context"], spans, special, target_mask, gn.numpy())[1])
        cases.append({
            "id": p["id"], "context": p["context"], "target": p["target"],
            "ids": ids, "spans": spans, "special": special, "targetMask": target_mask,
            "f": f32(r["f"]), "targetLogProbs": f32(r["targetLogProbs"]),
            "logits": logits_summary(r["logits"], ids, sample_ids),
            "embeddings": f32(r["emb"].numpy()),
            "grad": f32(r["grad"].numpy()),
            "gxi": f32(r["gxi"].numpy()),
            "ig16": f32(ig.numpy()),
            "gradNorm": f32(gn.numpy()),
            "words": [[w[1], w[2]] for w in words],
            "wordAttrGxi": f32(wa),
            "check": r["check"],
        })
        c = r["check"]
        lg = r["logits"]
        print(f"  {p['id']:10s} T={len(ids):2d} f={r['f']:9.4f} |grad|={float(r['grad'].norm()):.3g} "
              f"logit std={float(lg.std(dim=-1).mean()):.2f} fdRelErr={c['fdRelErr']:.1e} "
              f"g32/g64={c['grad32VsGrad64RelErr']:.1e}")
    return {
        "format": "able-golden/1",
        "variant": meta["variant"],
        "architecture": meta["architecture"],
        "tokenizer": meta["tokenizer"],
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "tokenizers": tokenizers.__version__},
        "dtype": "float32 compute, weights float16 from model.safetensors upcast exactly",
        "gradWrt": "E = model.get_input_embeddings()(ids), the rows fed to the first layer; Gemma: includes "
                   "the sqrt(hidden_size) scale (applied inside the embedding module, in float32); GPT-2: "
                   "excludes the position embeddings wpe",
        "spans": "tokenizers offsets, [start, end) in code points (== UTF-16 units: probes are BMP-only); "
                 "null for special tokens",
        "logitsSampleIds": sample_ids,
        "cases": cases,
        # METHOD.md section 6 over the cases above, in order, from the gxi word attributions.
        "ableGxi": f32(embedding(word_vecs)),
        # the same from ig16 and grad-norm token attributions (METHOD.md section 4 ig, m = 16; grad-norm)
        "ableIg16": f32(embedding(ig_vecs)),
        "ableGradNorm": f32(embedding(norm_vecs)),
    }


def main(make=golden_for, filename="golden.json", variants=None):
    """Writes <dir>/<variant>/<filename> = make(variant folder) for each variant (default: every folder
    with a meta.json; --only narrows)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(ROOT, "test/fixtures/tiny"))
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    torch.set_num_threads(1)
    only = [s for s in args.only.split(",") if s] or variants
    for name in sorted(os.listdir(args.dir)):
        d = os.path.join(args.dir, name)
        if not os.path.exists(os.path.join(d, "meta.json")) or (only and name not in only):
            continue
        print(name)
        size = write_json(os.path.join(d, filename), make(d))
        print(f"  -> {filename} {size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
