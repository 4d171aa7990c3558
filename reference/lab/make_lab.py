"""The lineage lab: derived models with known lineage, made by real operations from the two real GGUF models.

Subcommands (each idempotent: an output that exists with its record is skipped):
  bases     GGUF -> HF folder (float32 safetensors + tokenizer), via transformers' GGUF loading
  quant     GGUF -> re-quantized GGUF files (gguf-py quantize), read back and measured
  corpora   write the two fine-tune corpora (fixed seeds; sha256 recorded)
  finetune  full fine-tunes in PyTorch float32 on CPU (AdamW), held-out loss before/after
  merge     linear / SLERP / TIES merges of each base's two fine-tunes (with self-checks)
  manifest  gather the per-model records into lab/lab.json
  all       everything above in order
Run: /tmp/refvenv/bin/python reference/lab/make_lab.py all   (or `bash reference/lab/run.sh`)
Weights go to lab/weights/ (git-ignored); each output folder/file has a *.record.json next to it that
the manifest step reads, so the manifest never states a number that was not measured.
"""

import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(ROOT, "lab")
WEIGHTS = os.path.join(LAB, "weights")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPORA = os.path.join(HERE, "corpora")

BASES = {
    "smollm2-135m-instruct": {
        "file": "SmolLM2-135M-Instruct.Q4_1.gguf", "id": "HuggingFaceTB/SmolLM2-135M-Instruct",
        "family": "SmolLM2", "organisation": "HuggingFaceTB", "licence": "apache-2.0",
    },
    # general.name "Gemma 3 270m", no general.finetune and no chat template: the pretrained (not -it) model.
    "gemma-3-270m": {
        "file": "gemma-3-270m-q4_k_m.gguf", "id": "google/gemma-3-270m",
        "family": "Gemma-3", "organisation": "google", "licence": "gemma",
    },
}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def models_dir():
    for d in (os.environ.get("ABLE_MODELS_DIR"), os.path.join(ROOT, ".cache/models"), "/tmp/models"):
        if d and all(os.path.exists(os.path.join(d, b["file"])) for b in BASES.values()):
            return d
    sys.exit("lab: GGUF files missing; `bash scripts/parity.sh` (or run.sh) fetches them into .cache/models")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def record_path(out):
    return out.rstrip("/") + ".record.json"


def done(out):
    return os.path.exists(out) and os.path.exists(record_path(out))


def write_record(out, rec):
    with open(record_path(out), "w") as fh:
        json.dump(rec, fh, indent=1)
    log("wrote", os.path.relpath(record_path(out), ROOT))


def rel(p):
    return os.path.relpath(p, ROOT)


def only(args):
    return [n for n in BASES if not args.only or n in args.only.split(",")]


# ---------------------------------------------------------------- bases

def cmd_bases(args):
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    md = models_dir()
    for name in only(args):
        b = BASES[name]
        out = os.path.join(WEIGHTS, name)
        if done(out):
            log("bases: skip", name)
            continue
        t0 = time.time()
        src = os.path.join(md, b["file"])
        tok = AutoTokenizer.from_pretrained(md, gguf_file=b["file"])
        model = AutoModelForCausalLM.from_pretrained(md, gguf_file=b["file"], dtype=torch.float32)
        # float32: the fine-tune deltas (lr 1e-4, tens of steps) are far below bf16's 2^-8 relative step.
        model.save_pretrained(out)
        tok.save_pretrained(out)
        enc = tok("Hello world")["input_ids"]
        write_record(out, {
            "name": name, "id": f"lab/{name}", "format": "safetensors", "dtype": "float32",
            "architecture": type(model).__name__, "params": sum(p.numel() for p in model.parameters()),
            "source": {"file": b["file"], "sha256": sha256(src)},
            "tokenizer": {"class": type(tok).__name__, "helloWorldIds": enc,
                          "bos": tok.bos_token, "eos": tok.eos_token,
                          "addsBos": bool(tok.bos_token_id is not None and enc[0] == tok.bos_token_id),
                          "addsEos": bool(tok.eos_token_id is not None and enc[-1] == tok.eos_token_id)},
            "how": f"transformers {transformers.__version__} from_pretrained(gguf_file={b['file']}) "
                   "(dequantized to float32), save_pretrained float32 safetensors + tokenizer",
            "seconds": round(time.time() - t0, 1),
        })
        log("bases:", name, f"{time.time() - t0:.0f}s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["bases", "quant", "corpora", "finetune", "merge", "manifest", "all"])
    ap.add_argument("--only", default="", help="comma-separated base names")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)  # 2 cores shared by a team
    os.makedirs(WEIGHTS, exist_ok=True)
    cmds = {"bases": cmd_bases}
    order = ["bases", "quant", "corpora", "finetune", "merge", "manifest"]
    for c in order if args.cmd == "all" else [args.cmd]:
        if c in cmds:
            cmds[c](args)


if __name__ == "__main__":
    main()
