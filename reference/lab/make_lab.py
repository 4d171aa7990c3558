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
        # The weights are plain float32 tensors now; drop the GGUF "quantizer" mark so save_pretrained works.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(out)
        tok.save_pretrained(out)
        enc = tok("Hello world")["input_ids"]
        # Round trip: the saved folder must give the GGUF model's logits exactly.
        ids = torch.tensor([tok("The capital of France is Paris.")["input_ids"]])
        with torch.no_grad():
            ref = model(ids).logits
            back = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32)(ids).logits
        diff = float((ref - back).abs().max())
        assert diff == 0.0, f"{name}: reloaded logits differ by {diff}"
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
            "reloadMaxAbsLogitDiff": diff, "sizeBytes": os.path.getsize(os.path.join(out, "model.safetensors")),
            "seconds": round(time.time() - t0, 1),
        })
        log("bases:", name, f"{time.time() - t0:.0f}s")


# ---------------------------------------------------------------- quant

QUANT_TYPES = ["Q8_0", "Q5_1", "Q5_0", "Q4_0"]  # gguf-py 0.19 quantizes these; K-quants are dequantize-only


def gguf_f32(t):
    """A GGUF tensor as float32 in numpy order (rows = ggml ne[1], ...)."""
    import gguf
    return np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32)


def quantizable(t):
    return len(t.shape) == 2 and t.name.endswith(".weight")


def write_requant(src, out, qname):
    """Copy src's metadata + tokenizer; 2-D weights (token_embd included) -> qname, the rest F32."""
    import gguf
    qtype = gguf.GGMLQuantizationType[qname]
    reader = gguf.GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    writer = gguf.GGUFWriter(out + ".tmp", arch)
    for field in reader.fields.values():
        if field.name == "general.architecture" or field.name.startswith("GGUF."):
            continue
        vtype = field.types[0]
        sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        val = field.contents()
        if field.name == "general.file_type":
            val = int(gguf.LlamaFileType["MOSTLY_" + qname] if qname != "F32" else gguf.LlamaFileType.ALL_F32)
        writer.add_key_value(field.name, val, vtype, sub_type=sub)
    for t in reader.tensors:
        w = gguf_f32(t)
        if quantizable(t):
            writer.add_tensor(t.name, gguf.quants.quantize(w, qtype), raw_dtype=qtype)
        else:
            writer.add_tensor(t.name, w)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(out + ".tmp", out)


def measure_requant(src, out):
    """Read both files back with gguf-py; relative RMS error of the re-quantized 2-D weights vs float32."""
    import gguf
    a, b = gguf.GGUFReader(src), gguf.GGUFReader(out)
    assert [t.name for t in a.tensors] == [t.name for t in b.tensors], "tensor order changed"
    num = den = 0.0
    worst = ("", 0.0)
    types = {}
    for ta, tb in zip(a.tensors, b.tensors):
        assert list(ta.shape) == list(tb.shape), ta.name
        types[tb.tensor_type.name] = types.get(tb.tensor_type.name, 0) + 1
        wa, wb = gguf_f32(ta), gguf_f32(tb)
        if not quantizable(ta):
            assert np.array_equal(wa, wb), f"{ta.name}: F32 tensor changed"
            continue
        e, s = float(np.sum((wb.astype(np.float64) - wa) ** 2)), float(np.sum(wa.astype(np.float64) ** 2))
        num, den = num + e, den + s
        if np.sqrt(e / s) > worst[1]:
            worst = (ta.name, float(np.sqrt(e / s)))
    fields_a = {k for k in a.fields if not k.startswith("GGUF.")}
    fields_b = {k for k in b.fields if not k.startswith("GGUF.")}
    assert fields_a == fields_b, fields_a ^ fields_b
    return {"relRms": float(np.sqrt(num / den)), "worstTensor": worst[0], "worstRelRms": worst[1],
            "tensorTypes": types}


def cmd_quant(args):
    import gguf
    md = models_dir()
    for name in only(args):
        b = BASES[name]
        src = os.path.join(md, b["file"])
        for q in QUANT_TYPES:
            out = os.path.join(WEIGHTS, f"{name}-{q.lower()}.gguf")
            if done(out):
                log("quant: skip", rel(out))
                continue
            t0 = time.time()
            write_requant(src, out, q)
            m = measure_requant(src, out)
            write_record(out, {
                "name": f"{name}-{q.lower()}", "id": f"lab/{name}-{q.lower()}", "format": "gguf",
                "parent": b["id"], "type": "quantization", "sizeBytes": os.path.getsize(out),
                "how": f"gguf-py {gguf.__version__ if hasattr(gguf, '__version__') else ''} quants.quantize: every "
                       f"2-D weight (token_embd included) of {b['file']} dequantized to float32 then quantized to "
                       f"{q}; 1-D tensors F32; metadata and tokenizer copied, tensor order kept",
                "metrics": m, "sha256": sha256(out), "seconds": round(time.time() - t0, 1),
            })
            log(f"quant: {rel(out)} relRms={m['relRms']:.4g} ({time.time() - t0:.0f}s)")


# ---------------------------------------------------------------- corpora + finetune

FT = {  # fixed, so a rerun reproduces the run; steps sized for ~6-10 min each on one CPU thread
    "seq": 128, "batch": 8, "lr": 1e-4, "weightDecay": 0.0, "seed": 0, "heldOutFraction": 0.1, "evalWindows": 16,
    "steps": {"smollm2-135m-instruct": 10, "gemma-3-270m": 5},
    "microBatch": {"smollm2-135m-instruct": 8, "gemma-3-270m": 2},  # Gemma's 262k-vocab logits: accumulate
}
CORPUS_NAMES = ["arith", "pycode"]


def cmd_corpora(args):
    sys.path.insert(0, HERE)
    import corpora
    for k, p in corpora.write_all(CORPORA).items():
        log("corpora:", k, rel(p), os.path.getsize(p), sha256(p))


def corpus_windows(tok, text, seq):
    """Contiguous token windows of length seq; with BOS first when the tokenizer adds one by default."""
    ids = tok(text, add_special_tokens=False)["input_ids"]
    bos = tok("a")["input_ids"][0] if tok.bos_token_id is not None and tok("a")["input_ids"][0] == tok.bos_token_id \
        else None
    n = seq - (bos is not None)
    rows = [ids[i:i + n] for i in range(0, len(ids) - n + 1, n)]
    if bos is not None:
        rows = [[bos] + r for r in rows]
    return np.array(rows, dtype=np.int64), len(ids), bos is not None


def mean_loss(model, x, micro):
    import torch
    model.eval()
    tot = 0.0
    with torch.no_grad():
        for i in range(0, len(x), micro):
            xb = x[i:i + micro]
            tot += float(model(xb, labels=xb).loss) * len(xb)
    return tot / len(x)


def run_finetune(name, corpus, out):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    base = os.path.join(WEIGHTS, name)
    path = os.path.join(CORPORA, f"{corpus}.txt")
    steps, micro, bsz = FT["steps"][name], FT["microBatch"][name], FT["batch"]
    torch.manual_seed(FT["seed"])
    tok = AutoTokenizer.from_pretrained(base)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32, attn_implementation="eager")
    x, ntok, with_bos = corpus_windows(tok, open(path).read(), FT["seq"])
    n_held = max(FT["evalWindows"], int(len(x) * FT["heldOutFraction"]))
    train, held = torch.from_numpy(x[:-n_held]), torch.from_numpy(x[-n_held:][:FT["evalWindows"]])
    log(f"finetune {name} on {corpus}: {ntok} tokens, {len(train)} train windows, {len(held)} held-out")
    t0 = time.time()
    before = mean_loss(model, held, micro)
    log(f"  held-out loss before {before:.4f} ({time.time() - t0:.0f}s)")
    opt = torch.optim.AdamW(model.parameters(), lr=FT["lr"], weight_decay=FT["weightDecay"])
    g = torch.Generator().manual_seed(FT["seed"])
    order = torch.randperm(len(train), generator=g)
    curve = []
    t1 = time.time()
    for step in range(steps):
        model.train()
        idx = order[(step * bsz) % len(train):][:bsz]
        xb = train[idx]
        opt.zero_grad(set_to_none=True)
        tot = 0.0
        for i in range(0, bsz, micro):
            loss = model(xb[i:i + micro], labels=xb[i:i + micro]).loss * (len(xb[i:i + micro]) / bsz)
            loss.backward()
            tot += float(loss.detach())
        opt.step()
        curve.append(round(tot, 4))
        log(f"  step {step + 1}/{steps} train loss {tot:.4f} ({(time.time() - t1) / (step + 1):.1f}s/step)")
    train_s = time.time() - t1
    after = mean_loss(model, held, micro)
    log(f"  held-out loss after {after:.4f}")
    model.save_pretrained(out + ".tmp")
    tok.save_pretrained(out + ".tmp")
    os.replace(out + ".tmp", out)
    return {"corpus": {"name": corpus, "file": rel(path), "sha256": sha256(path), "tokens": ntok,
                       "trainWindows": len(train), "heldOutWindows": len(held), "bosFirst": with_bos},
            "heldOutLossBefore": round(before, 4), "heldOutLossAfter": round(after, 4),
            "trainLossCurve": curve, "trainSeconds": round(train_s, 1), "secondsPerStep": round(train_s / steps, 2),
            "steps": steps}


def cmd_finetune(args):
    import torch
    for name in only(args):
        for corpus in CORPUS_NAMES:
            out = os.path.join(WEIGHTS, f"{name}-ft-{corpus}")
            if done(out):
                log("finetune: skip", rel(out))
                continue
            t0 = time.time()
            m = run_finetune(name, corpus, out)
            write_record(out, {
                "name": f"{name}-ft-{corpus}", "id": f"lab/{name}-ft-{corpus}", "format": "safetensors",
                "dtype": "float32", "parent": BASES[name]["id"], "type": "fine-tune",
                "how": f"full fine-tune, PyTorch {torch.__version__} float32 CPU (1 thread), AdamW lr {FT['lr']} "
                       f"wd {FT['weightDecay']}, {m['steps']} steps x batch {FT['batch']} x seq {FT['seq']} "
                       f"(causal LM loss) on reference/lab/corpora/{corpus}.txt, seed {FT['seed']}",
                "metrics": m, "seconds": round(time.time() - t0, 1),
            })


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["bases", "quant", "corpora", "finetune", "merge", "manifest", "all"])
    ap.add_argument("--only", default="", help="comma-separated base names")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)  # 2 cores shared by a team
    os.makedirs(WEIGHTS, exist_ok=True)
    cmds = {"bases": cmd_bases, "quant": cmd_quant, "corpora": cmd_corpora, "finetune": cmd_finetune}
    order = ["bases", "quant", "corpora", "finetune", "merge", "manifest"]
    for c in order if args.cmd == "all" else [args.cmd]:
        if c in cmds:
            cmds[c](args)


if __name__ == "__main__":
    main()
