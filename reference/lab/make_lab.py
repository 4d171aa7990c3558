"""The lineage lab: derived models with known lineage, made by real operations from the two real GGUF models.

Subcommands (each idempotent: an output that exists with its record is skipped):
  bases     GGUF -> HF folder (float32 safetensors + tokenizer), via transformers' GGUF loading
  quant     GGUF -> re-quantized GGUF files (gguf-py quantize), read back and measured
  corpora   write the two fine-tune corpora (fixed seeds; sha256 recorded)
  finetune  full fine-tunes in PyTorch float32 on CPU (AdamW), held-out loss before/after
  merge     linear / SLERP / TIES merges of each base's two fine-tunes (with self-checks)
  eval      held-out loss of every lab model on both corpora (GGUF files loaded by transformers)
  manifest  gather the per-model records into lab/lab.json
  all       everything above in order
Run: /tmp/refvenv/bin/python reference/lab/make_lab.py all   (or `bash reference/lab/run.sh`)
Weights go to lab/weights/ (git-ignored); each output folder/file has a *.record.json next to it that
the manifest step reads, so the manifest never states a number that was not measured.
"""

import argparse
import importlib.metadata
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
        "labId": "lab/smollm2-135m-instruct-q4_1",
        "family": "SmolLM2", "organisation": "HuggingFaceTB", "licence": "apache-2.0",
    },
    # general.name "Gemma 3 270m", no general.finetune and no chat template: the pretrained (not -it) model.
    "gemma-3-270m": {
        "file": "gemma-3-270m-q4_k_m.gguf", "id": "google/gemma-3-270m",
        "labId": "lab/gemma-3-270m-q4_k_m",
        "family": "Gemma-3", "organisation": "google", "licence": "gemma",
    },
    # Two sizes of one family with one tokenizer, trained separately: a natural same-family pair.
    "qwen2.5-coder-0.5b-instruct": {
        "file": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "id": "Qwen/Qwen2.5-Coder-0.5B-Instruct",
        "labId": "lab/qwen2.5-coder-0.5b-instruct-q4_k_m",
        "family": "Qwen2.5", "organisation": "Qwen", "licence": "apache-2.0",
    },
    # float32 weights ~6 GB: re-quantizations only (no float32 copy, fine-tunes or merges) on a 24 GB machine.
    "qwen2.5-coder-1.5b-instruct": {
        "file": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "id": "Qwen/Qwen2.5-Coder-1.5B-Instruct",
        "labId": "lab/qwen2.5-coder-1.5b-instruct-q4_k_m",
        "family": "Qwen2.5", "organisation": "Qwen", "licence": "apache-2.0", "derive": False,
        "sameFamily": "lab/qwen2.5-coder-0.5b-instruct-q4_k_m",
    },
}
# Models that share one tokenizer; behavioural distances (KL) are measured within a group.
GROUPS = {"smollm2": ["smollm2-135m-instruct"], "gemma-3": ["gemma-3-270m"],
          "qwen2.5-coder": ["qwen2.5-coder-0.5b-instruct", "qwen2.5-coder-1.5b-instruct"]}
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import fetch_models  # noqa: E402  (the table of PyPI packages and sha256 of each GGUF)


def derives(name):
    return BASES[name].get("derive", True)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def models_dir():
    return os.environ.get("ABLE_MODELS_DIR") or os.path.join(ROOT, ".cache/models")


def gguf_of(name):
    path = os.path.join(models_dir(), BASES[name]["file"])
    if not os.path.exists(path):
        sys.exit(f"lab: {path} missing; `python3 scripts/fetch_models.py all` fetches it (PyPI, sha256-checked)")
    return path


sha256 = fetch_models.sha256_of  # one file hash for the fetch and the lab


def record_path(out):
    return out.rstrip("/") + ".record.json"


def done(out):
    return os.path.exists(out) and os.path.exists(record_path(out))


def versions():
    out = {"python": sys.version.split()[0]}
    for pkg in ("torch", "transformers", "gguf", "numpy", "safetensors"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def write_record(out, rec):
    """The step's record: what was measured, plus the command line and package versions that made it."""
    rec = {**rec, "command": " ".join(["python", os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]]),
           "versions": versions(), "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(record_path(out) + ".tmp", "w") as fh:
        json.dump(rec, fh, indent=1)
    os.replace(record_path(out) + ".tmp", record_path(out))
    log("wrote", os.path.relpath(record_path(out), ROOT))


def replace_dir(tmp, out):
    """Move a finished output folder into place (an unrecorded leftover of a killed run is replaced)."""
    import shutil
    if os.path.exists(out):
        shutil.rmtree(out)
    os.replace(tmp, out)


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
        if not derives(name):
            continue
        out = os.path.join(WEIGHTS, name)
        if done(out):
            log("bases: skip", name)
            continue
        t0 = time.time()
        src = gguf_of(name)
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
    for name in only(args):
        b = BASES[name]
        src = gguf_of(name)
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
                "how": f"gguf-py {importlib.metadata.version('gguf')} quants.quantize: every "
                       f"2-D weight (token_embd included) of {b['file']} dequantized to float32 then quantized to "
                       f"{q}; 1-D tensors F32; metadata and tokenizer copied, tensor order kept",
                "metrics": m, "sha256": sha256(out), "seconds": round(time.time() - t0, 1),
            })
            log(f"quant: {rel(out)} relRms={m['relRms']:.4g} ({time.time() - t0:.0f}s)")


# ---------------------------------------------------------------- corpora + finetune

FT = {  # fixed, so a rerun reproduces the run
    "seq": 128, "batch": 8,
    # Gemma at 1e-4 jumped from loss 2.01 to 2.95 at step 2 (killed); 5e-5 as in Google's Gemma 3 270M
    # full fine-tune example
    "lr": {"smollm2-135m-instruct": 1e-4, "gemma-3-270m": 5e-5, "qwen2.5-coder-0.5b-instruct": 5e-5},
    "weightDecay": 0.0, "seed": 0, "heldOutFraction": 0.1, "evalWindows": 16,
    # Gemma keeps the first lab's fixed 4 steps (each cut its domain's held-out loss by more than half);
    # the other bases train until the rule below is met (the first lab's 24 SmolLM2 steps cost 12-15 min each).
    "steps": {"gemma-3-270m": 4},
    "microBatch": {"smollm2-135m-instruct": 8, "gemma-3-270m": 2, "qwen2.5-coder-0.5b-instruct": 2},
    # Stopping rule: evaluate the held-out windows every `every` steps; stop once the loss has dropped by
    # `targetDrop` (relative) or after `maxSteps`. The lab's bar is a 30% drop; 35% leaves a margin.
    "until": {"targetDrop": 0.35, "every": 2, "maxSteps": 24},
    # Full AdamW fine-tuning of Qwen2.5-Coder-0.5B (~10 GB of weights, gradients and moments) was killed
    # for memory twice beside the other lab jobs: LoRA on every attention and MLP projection instead,
    # merged into the weights afterwards (W + alpha/r B A), so the result is again a plain model.
    "lora": {"qwen2.5-coder-0.5b-instruct": {"r": 16, "alpha": 32, "lr": 2e-4,
                                             "targets": ["q_proj", "k_proj", "v_proj", "o_proj",
                                                         "gate_proj", "up_proj", "down_proj"]}},
}
CORPUS_NAMES = ["arith", "pycode"]
# Depth-2 chains: (first corpus, second corpus) -> <base>-ft-<first>-<second>, a fine-tune of <base>-ft-<first>.
CHAINS = [("arith", "pycode")]


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


def add_lora(model, cfg):
    """Freezes the model and adds a LoRA pair (A: r x in, Kaiming-uniform; B: out x r, zeros) to every
    nn.Linear named in cfg["targets"], as a forward hook: y = W x + b + alpha/r B A x."""
    import math
    import torch
    for p in model.parameters():
        p.requires_grad_(False)
    g = torch.Generator().manual_seed(FT["seed"])
    scale = cfg["alpha"] / cfg["r"]
    adapters = []
    for mname, mod in model.named_modules():
        if isinstance(mod, torch.nn.Linear) and mname.split(".")[-1] in cfg["targets"]:
            bound = 1 / math.sqrt(mod.in_features)
            A = torch.nn.Parameter((torch.rand(cfg["r"], mod.in_features, generator=g) * 2 - 1) * bound)
            B = torch.nn.Parameter(torch.zeros(mod.out_features, cfg["r"]))
            hook = mod.register_forward_hook(lambda m, inp, out, A=A, B=B: out + scale * (inp[0] @ A.t()) @ B.t())
            adapters.append((mod, A, B, hook))
    return adapters


def merge_lora(adapters, cfg):
    """W <- W + alpha/r B A, hooks removed: the fine-tune becomes a plain model of the base's shape."""
    import torch
    scale = cfg["alpha"] / cfg["r"]
    with torch.no_grad():
        for mod, A, B, hook in adapters:
            hook.remove()
            mod.weight += scale * (B @ A)


def run_finetune(name, corpus, out, base=None, fixed_steps=None):
    """Full fine-tune of `base` (default: the float32 base of `name`) on one corpus. With fixed_steps, exactly that
    many steps; otherwise FT["until"]'s stopping rule on the held-out windows."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    base = base or os.path.join(WEIGHTS, name)
    path = os.path.join(CORPORA, f"{corpus}.txt")
    rule = FT["until"]
    steps = fixed_steps or rule["maxSteps"]
    micro, bsz = FT["microBatch"][name], FT["batch"]
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
    lora = FT["lora"].get(name)
    adapters = add_lora(model, lora) if lora else None
    params = [p for a in adapters for p in a[1:3]] if lora else list(model.parameters())
    opt = torch.optim.AdamW(params, lr=lora["lr"] if lora else FT["lr"][name], weight_decay=FT["weightDecay"])
    g = torch.Generator().manual_seed(FT["seed"])
    order = torch.randperm(len(train), generator=g)
    curve, evals = [], []
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
        if not fixed_steps and (step + 1) % rule["every"] == 0:
            cur = mean_loss(model, held, micro)
            evals.append({"step": step + 1, "heldOutLoss": round(cur, 4)})
            log(f"  held-out loss {cur:.4f} (drop {1 - cur / before:.1%})")
            if 1 - cur / before >= rule["targetDrop"]:
                break
    steps = len(curve)
    train_s = time.time() - t1
    if lora:
        merge_lora(adapters, lora)
    after = mean_loss(model, held, micro)
    if lora and evals and evals[-1]["step"] == steps:  # the merged weights must be the adapted model
        assert abs(after - evals[-1]["heldOutLoss"]) < 2e-3, (after, evals[-1])
    log(f"  held-out loss after {after:.4f}")
    model.save_pretrained(out + ".tmp")
    tok.save_pretrained(out + ".tmp")
    replace_dir(out + ".tmp", out)
    return {"corpus": {"name": corpus, "file": rel(path), "sha256": sha256(path), "tokens": ntok,
                       "trainWindows": len(train), "heldOutWindows": len(held), "bosFirst": with_bos},
            "heldOutLossBefore": round(before, 4), "heldOutLossAfter": round(after, 4),
            "heldOutDrop": round(1 - after / before, 4), "trainLossCurve": curve, "heldOutCurve": evals,
            "trainSeconds": round(train_s, 1), "secondsPerStep": round(train_s / steps, 2), "steps": steps,
            "tokensSeen": steps * bsz * FT["seq"],
            "stopRule": "fixed steps" if fixed_steps else
            f"until held-out drop >= {rule['targetDrop']:.0%} (checked every {rule['every']} steps, max {rule['maxSteps']})"}


def cmd_finetune(args):
    import torch
    jobs = []  # (base name, corpus, parent folder or None, parent id, output suffix)
    for name in only(args):
        if not derives(name):
            continue
        jobs += [(name, c, None, BASES[name]["id"], f"-ft-{c}") for c in CORPUS_NAMES]
        jobs += [(name, b, os.path.join(WEIGHTS, f"{name}-ft-{a}"), f"lab/{name}-ft-{a}", f"-ft-{a}-{b}")
                 for a, b in CHAINS]
    for name, corpus, parent_dir, parent_id, suffix in jobs:
        out = os.path.join(WEIGHTS, f"{name}{suffix}")
        if done(out):
            log("finetune: skip", rel(out))
            continue
        if parent_dir and not done(parent_dir):
            log("finetune: parent of", rel(out), "missing; skipped")
            continue
        t0 = time.time()
        fixed = None if parent_dir else FT["steps"].get(name)
        m = run_finetune(name, corpus, out, base=parent_dir, fixed_steps=fixed)
        write_record(out, {
            "name": f"{name}{suffix}", "id": f"lab/{name}{suffix}", "format": "safetensors",
            "dtype": "float32", "parent": parent_id, "type": "fine-tune",
            "how": (f"LoRA fine-tune (r {FT['lora'][name]['r']}, alpha {FT['lora'][name]['alpha']}, on "
                    f"{'/'.join(FT['lora'][name]['targets'])}; merged into the weights) of {parent_id}"
                    if name in FT["lora"] else f"full fine-tune of {parent_id}")
                   + f", PyTorch {torch.__version__} float32 CPU ({torch.get_num_threads()} "
                   f"thread(s)), AdamW lr {FT['lora'][name]['lr'] if name in FT['lora'] else FT['lr'][name]} wd {FT['weightDecay']}, {m['steps']} steps "
                   f"({m['stopRule']}) x batch {FT['batch']} x seq {FT['seq']} (causal LM loss) on "
                   f"reference/lab/corpora/{corpus}.txt, seed {FT['seed']}",
            "metrics": m, "seconds": round(time.time() - t0, 1),
        })


# ---------------------------------------------------------------- merge

# slerp on whole weights degenerates to lerp here (two short fine-tunes of one base are near-parallel,
# |cos| > 0.9995 on every tensor), so it is bit-identical to the linear merge; slerp-tv applies the same
# rule to the task vectors (weights - base), which are far from parallel, and gives a distinct model.
# Plain SLERP of the whole weights was bit-identical to linear in the first lab (tensorsSlerped 0 for both
# bases) and is no longer made; its code stays for the self-checks and for merges of far-apart models.
MERGE = {"linear": {"weights": [0.5, 0.5]}, "slerp-tv": {"t": 0.5, "dotThreshold": 0.9995},
         "ties": {"density": 0.2, "lambda": 1.0}}


def merge_linear(a, b, wa=0.5, wb=0.5):
    return wa * a + wb * b


def merge_slerp(a, b, t=0.5, dot_threshold=0.9995):
    """SLERP on the flattened tensors (mergekit's rule): angle from the normalized vectors, coefficients
    applied to the originals; near-parallel (|cos| > threshold) falls back to lerp. Returns (tensor, used_slerp)."""
    import torch
    a64, b64 = a.flatten().double(), b.flatten().double()
    na, nb = a64.norm(), b64.norm()
    if na == 0 or nb == 0:
        return (1 - t) * a + t * b, False
    dot = float(torch.dot(a64 / na, b64 / nb))
    if abs(dot) > dot_threshold:
        return (1 - t) * a + t * b, False
    omega = np.arccos(np.clip(dot, -1.0, 1.0))
    so = np.sin(omega)
    out = (np.sin((1 - t) * omega) / so) * a64 + (np.sin(t * omega) / so) * b64
    return out.reshape(a.shape).to(a.dtype), True


def trim(tau, density):
    """Keep the top `density` fraction of entries by magnitude (ties at the threshold kept), zero the rest."""
    import torch
    if density >= 1.0:
        return tau
    k = max(1, int(round(density * tau.numel())))
    thresh = torch.topk(tau.abs().flatten(), k, sorted=False).values.min()
    return torch.where(tau.abs() >= thresh, tau, torch.zeros_like(tau))


def merge_ties(base, models, density=0.2, lam=1.0):
    """TIES: task vectors vs base, trim to top-density magnitude, elect the sign of the summed trimmed
    vectors, average only the entries that agree with it (disjoint mean), add lam x that to the base."""
    import torch
    taus = torch.stack([trim(m - base, density) for m in models])
    sign = torch.sign(taus.sum(0))
    agree = (torch.sign(taus) == sign) & (taus != 0)
    num = (taus * agree).sum(0)
    cnt = agree.sum(0).clamp(min=1)
    return base + lam * (num / cnt).to(base.dtype)


def merge_selfcheck():
    """Asserts run before every merge: identities that a correct implementation must satisfy."""
    import torch
    g = torch.Generator().manual_seed(0)
    a, b, c = (torch.randn(64, 48, generator=g) for _ in range(3))
    assert torch.equal(merge_linear(a, a), a), "linear(A, A) != A"
    sa, used = merge_slerp(a, a)
    assert not used and torch.equal(sa, a), "slerp(A, A) != A"
    e1, e2 = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    m, used = merge_slerp(e1, e2)
    assert used and torch.allclose(m, torch.tensor([1.0, 1.0]) / np.sqrt(2), atol=1e-7), "slerp(e1, e2) wrong"
    m, _ = merge_slerp(a, b, t=0.0)
    assert torch.allclose(m, a, atol=1e-6), "slerp t=0 != A"
    t1 = merge_ties(a, [b], density=1.0)
    assert torch.allclose(t1, b, atol=1e-6), "TIES with one task vector at density 1 != the model"
    # hand example: base 0; tau1 = [3, -1, 2, 0.1], tau2 = [1, 2, -4, 0.2]; density 1:
    # sign sum = [+, +, -, +]; agreeing mean = [2, 2, -4, 0.15]
    t = merge_ties(torch.zeros(4), [torch.tensor([3.0, -1, 2, 0.1]), torch.tensor([1.0, 2, -4, 0.2])], 1.0)
    assert torch.allclose(t, torch.tensor([2.0, 2, -4, 0.15])), t
    # density 0.5 keeps the top 2 of each: tau1 -> [3, 0, 2, 0], tau2 -> [0, 2, -4, 0]; signs [+, +, -, 0]
    t = merge_ties(torch.zeros(4), [torch.tensor([3.0, -1, 2, 0.1]), torch.tensor([1.0, 2, -4, 0.2])], 0.5)
    assert torch.allclose(t, torch.tensor([3.0, 2, -4, 0])), t
    return "linear(A,A)=A, slerp(A,A)=A, slerp(e1,e2)=(e1+e2)/sqrt2, TIES(1 task, density 1)=model, TIES hand examples"


def copy_hf_side_files(src, dst):
    import shutil
    for f in os.listdir(src):
        if f != "model.safetensors" and not f.endswith(".record.json"):
            shutil.copy(os.path.join(src, f), os.path.join(dst, f))


def cmd_merge(args):
    import torch
    from safetensors.torch import load_file, save_file
    check = merge_selfcheck()
    log("merge: self-checks passed:", check)
    for name in only(args):
        if not derives(name):
            continue
        fts = [os.path.join(WEIGHTS, f"{name}-ft-{c}") for c in CORPUS_NAMES]
        if not all(done(f) for f in fts):
            log("merge: fine-tunes of", name, "missing; skipped")
            continue
        base_dir = os.path.join(WEIGHTS, name)
        todo = [m for m in MERGE if not done(os.path.join(WEIGHTS, f"{name}-merge-{m}"))]
        if not todo:
            log("merge: skip", name)
            continue
        base = load_file(os.path.join(base_dir, "model.safetensors"))
        A, B = (load_file(os.path.join(f, "model.safetensors")) for f in fts)
        assert base.keys() == A.keys() == B.keys()
        # The real-model identity: linear merge of the base with itself is the base, bit for bit.
        assert all(torch.equal(merge_linear(v, v), v) for v in base.values())
        parents = [f"lab/{name}-ft-{c}" for c in CORPUS_NAMES]
        dots = np.zeros(3)  # <tA,tB>, |tA|^2, |tB|^2 over all weights: how different the two fine-tunes are
        for k in base:
            ta, tb = (A[k] - base[k]).double(), (B[k] - base[k]).double()
            dots += [float((ta * tb).sum()), float((ta * ta).sum()), float((tb * tb).sum())]
        tv_cos = float(dots[0] / np.sqrt(dots[1] * dots[2]))
        for method in todo:
            t0 = time.time()
            out = os.path.join(WEIGHTS, f"{name}-merge-{method}")
            merged, extra = {}, {}
            if method == "linear":
                w = MERGE["linear"]["weights"]
                merged = {k: merge_linear(A[k], B[k], *w) for k in base}
                how = f"linear merge {w[0]} x {parents[0]} + {w[1]} x {parents[1]}, per tensor, float32"
            elif method == "slerp-tv":
                used = 0
                for k in base:
                    tv, u = merge_slerp(A[k] - base[k], B[k] - base[k], MERGE["slerp-tv"]["t"],
                                        MERGE["slerp-tv"]["dotThreshold"])
                    merged[k] = base[k] + tv
                    used += u
                extra = {"tensorsSlerped": used, "tensorsLerpFallback": len(base) - used}
                how = (f"base {BASES[name]['id']} + SLERP t={MERGE['slerp-tv']['t']} of the task vectors "
                       f"(weights - base) of {parents[0]} and {parents[1]}, per tensor, flattened, lerp fallback "
                       f"when |cos| > {MERGE['slerp-tv']['dotThreshold']}")
            else:
                d, lam = MERGE["ties"]["density"], MERGE["ties"]["lambda"]
                merged = {k: merge_ties(base[k], [A[k], B[k]], d, lam) for k in base}
                how = (f"TIES vs {BASES[name]['id']}: task vectors of {parents[0]} and {parents[1]} trimmed to "
                       f"top {int(d * 100)}% magnitude per tensor, sign election by sum, disjoint mean, "
                       f"lambda {lam}")
            lin = {k: merge_linear(A[k], B[k]) for k in base} if method != "linear" else merged
            num = sum(float(((merged[k] - lin[k]).double() ** 2).sum()) for k in base)
            dA = sum(float(((merged[k] - base[k]).double() ** 2).sum()) for k in base)
            den = sum(float((base[k].double() ** 2).sum()) for k in base)
            extra.update({"taskVectorCos": tv_cos, "relDistFromLinearMerge": float(np.sqrt(num / den)),
                          "relDistFromBase": float(np.sqrt(dA / den))})
            os.makedirs(out + ".tmp", exist_ok=True)
            save_file({k: v.contiguous() for k, v in merged.items()}, os.path.join(out + ".tmp", "model.safetensors"),
                      metadata={"format": "pt"})
            copy_hf_side_files(fts[0], out + ".tmp")
            replace_dir(out + ".tmp", out)
            write_record(out, {
                "name": f"{name}-merge-{method}", "id": f"lab/{name}-merge-{method}", "format": "safetensors",
                "dtype": "float32", "parents": parents + ([BASES[name]["id"]] if method in ("ties", "slerp-tv") else []),
                "type": "merge", "how": how, "metrics": extra, "selfChecks": check,
                "seconds": round(time.time() - t0, 1),
            })
            log(f"merge: {rel(out)} {extra} ({time.time() - t0:.0f}s)")
        del base, A, B


# ---------------------------------------------------------------- eval + manifest

def lab_outputs(name):
    """(variant suffix, path) of every lab output of one base, in manifest order."""
    quants = [(f"-{q.lower()}", os.path.join(WEIGHTS, f"{name}-{q.lower()}.gguf")) for q in QUANT_TYPES]
    if not derives(name):
        return quants
    outs = [("", os.path.join(WEIGHTS, name))] + quants
    outs += [(f"-ft-{c}", os.path.join(WEIGHTS, f"{name}-ft-{c}")) for c in CORPUS_NAMES]
    outs += [(f"-ft-{a}-{b}", os.path.join(WEIGHTS, f"{name}-ft-{a}-{b}")) for a, b in CHAINS]
    outs += [(f"-merge-{m}", os.path.join(WEIGHTS, f"{name}-merge-{m}")) for m in MERGE]
    return outs


def base_tokenizer(name):
    from transformers import AutoTokenizer
    if derives(name):
        return AutoTokenizer.from_pretrained(os.path.join(WEIGHTS, name))
    return AutoTokenizer.from_pretrained(models_dir(), gguf_file=BASES[name]["file"])


def gguf_facts(path):
    """Architecture class name and parameter count of a GGUF, from its metadata and tensor shapes."""
    import gguf
    r = gguf.GGUFReader(path)
    arch = r.fields["general.architecture"].contents()
    classes = {"llama": "LlamaForCausalLM", "gemma3": "Gemma3ForCausalLM", "qwen2": "Qwen2ForCausalLM"}
    return classes[arch], int(sum(int(np.prod(t.shape)) for t in r.tensors))


def cmd_eval(args):
    """Held-out loss of every lab model of a base on both corpora (the same windows the fine-tunes report)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    for name in only(args):
        tok = base_tokenizer(name)
        micro = FT["microBatch"].get(name, 2)
        held = {}
        for c in CORPUS_NAMES:
            x, _, _ = corpus_windows(tok, open(os.path.join(CORPORA, f"{c}.txt")).read(), FT["seq"])
            n_held = max(FT["evalWindows"], int(len(x) * FT["heldOutFraction"]))
            held[c] = torch.from_numpy(x[-n_held:][:FT["evalWindows"]])
        # fine-tunes and merges first: they say the most, and a run cut short should have them
        for _, path in sorted(lab_outputs(name), key=lambda o: o[1].endswith(".gguf")):
            ev = path.rstrip("/") + ".eval.json"
            if not done(path) or os.path.exists(ev):
                continue
            t0 = time.time()
            if path.endswith(".gguf"):
                model = AutoModelForCausalLM.from_pretrained(os.path.dirname(path), gguf_file=os.path.basename(path),
                                                             dtype=torch.float32)
            else:
                model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
            losses = {c: round(mean_loss(model, held[c], micro), 4) for c in CORPUS_NAMES}
            with open(ev, "w") as fh:
                json.dump({"heldOutLoss": losses, "evalWindows": FT["evalWindows"], "seq": FT["seq"]}, fh)
            log(f"eval: {rel(path)} {losses} ({time.time() - t0:.0f}s)")
            del model


# ---------------------------------------------------------------- behavioural distances

# Next-token distributions on the held-out text (corpora/heldout.txt: CPython docs and code, not a probe and
# not a fine-tune corpus). Every model of a tokenizer group is compared on the same positions. Storing full
# distributions is out of reach (20k positions x 262k vocab x models), so each is coarsened to the group
# reference's top-K tokens at that position plus one bin for the rest of the vocabulary; KL of coarsened
# distributions is a lower bound of the full KL (data processing) and the report gives the mass captured.
KL = {"seq": 512, "windows": 40, "topK": 256, "probeTopK": 16}
BEHAVIOUR = os.path.join(WEIGHTS, "behaviour")


def load_model(path):
    import torch
    from transformers import AutoModelForCausalLM
    if path.endswith(".gguf"):
        return AutoModelForCausalLM.from_pretrained(os.path.dirname(path), gguf_file=os.path.basename(path),
                                                    dtype=torch.float32)
    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)


def group_members(group):
    """(lab id, weights path) of every finished model of a tokenizer group; the first is the reference."""
    out = []
    for name in GROUPS[group]:
        b = BASES[name]
        if derives(name) and done(os.path.join(WEIGHTS, name)):
            out.append((f"lab/{name}", os.path.join(WEIGHTS, name)))
        out.append((b["labId"], gguf_of(name)))
        out += [(f"lab/{name}{sfx}", p) for sfx, p in lab_outputs(name) if sfx and done(p)]
    return out


def heldout_windows(tok):
    x, ntok, with_bos = corpus_windows(tok, open(os.path.join(CORPORA, "heldout.txt")).read(), KL["seq"])
    assert len(x) >= KL["windows"], f"held-out text gives {len(x)} windows of {KL['seq']}, need {KL['windows']}"
    return x[:KL["windows"]], ntok, with_bos


def probe_ids(tok):
    probes = json.load(open(os.path.join(ROOT, "src/able/probes/v1.json")))["probes"]
    return [p["id"] for p in probes], [tok(p["context"])["input_ids"] for p in probes]


def next_token_logp(model, x):
    """log-softmax of the next-token logits for every row of x [rows, seq] -> [rows, seq, vocab] (float32)."""
    import torch
    with torch.no_grad():
        return torch.log_softmax(model(torch.from_numpy(x)).logits.float(), dim=-1)


def coarsen(logp, cand):
    """log-probabilities of the candidate tokens and of the rest of the vocabulary (one bin)."""
    import torch
    lp = torch.gather(logp, -1, cand)
    lse = torch.logsumexp(lp, dim=-1)
    rest = torch.log(torch.clamp(-torch.expm1(lse), min=1e-30))
    return lp, rest


def cmd_kl(args):
    import torch
    os.makedirs(BEHAVIOUR, exist_ok=True)
    result_path = os.path.join(LAB, "behaviour.json")
    result = json.load(open(result_path)) if os.path.exists(result_path) else {}
    result["heldout"] = json.load(open(os.path.join(CORPORA, "heldout.json")))
    result["settings"] = {**KL, "positions": KL["windows"] * (KL["seq"] - 1)}
    groups = result.setdefault("groups", {})
    for group, names in GROUPS.items():
        if args.only and not any(n in args.only.split(",") for n in names):
            continue
        members = group_members(group)
        gdir = os.path.join(BEHAVIOUR, group)
        if args.aggregate_only and not any(f.endswith(".npz") and f != "candidates.npz"
                                           for f in (os.listdir(gdir) if os.path.isdir(gdir) else [])):
            continue
        tok = base_tokenizer(names[0])
        x, ntok, with_bos = heldout_windows(tok)
        pids, pin = probe_ids(tok)
        for other in names[1:]:  # one tokenizer per group, checked on the text itself
            assert np.array_equal(heldout_windows(base_tokenizer(other))[0], x), f"{other}: tokenizer differs"
        os.makedirs(gdir, exist_ok=True)
        cand_path = os.path.join(gdir, "candidates.npz")
        for i, (mid, path) in enumerate(members):
            out = os.path.join(gdir, mid.replace("/", "__") + ".npz")
            if os.path.exists(out) or args.aggregate_only:
                continue
            t0 = time.time()
            model = load_model(path)
            model.eval()
            load_s = time.time() - t0
            lps, rests, nll = [], [], 0.0
            if i == 0 and not os.path.exists(cand_path):
                cands, pcands = [], []
            else:
                c = np.load(cand_path)
                cands, pcands = list(torch.from_numpy(c["heldout"])), list(torch.from_numpy(c["probes"]))
            for w in range(len(x)):
                logp = next_token_logp(model, x[w:w + 1])[0, :-1]
                nll -= float(torch.gather(logp, -1, torch.from_numpy(x[w, 1:]).unsqueeze(-1)).sum())
                if len(cands) <= w:
                    cands.append(torch.topk(logp, KL["topK"], dim=-1).indices)
                lp, rest = coarsen(logp, cands[w])
                lps.append(lp.numpy())
                rests.append(rest.numpy())
            plps, prests = [], []
            for j, ids in enumerate(pin):
                logp = next_token_logp(model, np.array([ids], dtype=np.int64))[0, -1]
                if len(pcands) <= j:
                    pcands.append(torch.topk(logp, KL["probeTopK"]).indices)
                lp, rest = coarsen(logp, pcands[j])
                plps.append(lp.numpy())
                prests.append(rest.numpy())
            if i == 0 and not os.path.exists(cand_path):
                np.savez(cand_path, heldout=torch.stack(cands).numpy(), probes=torch.stack(pcands).numpy(),
                         reference=mid)
            npos = len(x) * (KL["seq"] - 1)
            np.savez(out + ".tmp.npz", heldout=np.stack(lps), heldoutRest=np.stack(rests), probes=np.stack(plps),
                     probesRest=np.stack(prests), nll=nll / npos)
            os.replace(out + ".tmp.npz", out)
            log(f"kl: {group} {mid}: nll {nll / npos:.4f} (load {load_s:.0f}s, all {time.time() - t0:.0f}s)")
            del model
        ids = [m for m, _ in members if os.path.exists(os.path.join(gdir, m.replace("/", "__") + ".npz"))]
        if len(ids) < 2:
            continue
        data = [np.load(os.path.join(gdir, m.replace("/", "__") + ".npz")) for m in ids]

        def bins(d, key):
            lp = np.concatenate([d[key], d[key + "Rest"][..., None]], axis=-1).astype(np.float64)
            return lp.reshape(-1, lp.shape[-1])

        def kl_table(key):
            lps = [bins(d, key) for d in data]
            return [[float(np.mean(np.sum(np.exp(a) * (a - b), axis=-1))) for b in lps] for a in lps]

        kl = kl_table("heldout")
        pkl = kl_table("probes")
        sym = lambda t: [[(t[i][j] + t[j][i]) / 2 for j in range(len(t))] for i in range(len(t))]  # noqa: E731
        groups[group] = {
            "reference": ids[0] if ids else None, "models": ids, "tokensInText": ntok, "bosFirst": with_bos,
            "nll": {m: round(float(d["nll"]), 5) for m, d in zip(ids, data)},
            "capturedMass": {m: round(float(np.mean(np.exp(np.logaddexp.reduce(d["heldout"], axis=-1)))), 5)
                             for m, d in zip(ids, data)},
            "kl": kl, "klSym": sym(kl), "probeTopKSymKl": sym(pkl), "probeIds": pids,
        }
        log(f"kl: {group}: {len(ids)} models")
    with open(result_path + ".tmp", "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    os.replace(result_path + ".tmp", result_path)
    log("kl: wrote", rel(result_path))


def cmd_manifest(args):
    md_rel = ".cache/models"
    entries = []
    for name, b in BASES.items():
        if derives(name) and not done(os.path.join(WEIGHTS, name)):
            log("manifest: base", name, "not made yet; left out")
            continue
        if derives(name):
            base_rec = json.load(open(record_path(os.path.join(WEIGHTS, name))))
            arch, params = base_rec["architecture"], base_rec["params"]
        else:
            arch, params = gguf_facts(gguf_of(name))
        fetched = fetch_models.MODELS[name]
        common = {"family": b["family"], "architecture": arch, "paramsB": round(params / 1e9, 3),
                  "licence": b["licence"]}
        # The public GGUF is a quantization of the hub model, not the model itself: it gets a lab id,
        # and everything derived from it points at that id (the hub entry stays unembedded).
        remap = lambda p, b=b: b["labId"] if p == b["id"] else p  # noqa: E731
        entries.append({
            "id": b["labId"], **common, "organisation": b["organisation"], "format": "gguf",
            "path": f"{md_rel}/{b['file']}", "file": b["file"], "sha256": fetched["sha256"],
            "source": {"packages": fetched["packages"], "sha256": fetched["sha256"]},
            "lineage": [{"parent": b["id"], "type": "quantization"}]
            + ([{"parent": b["sameFamily"], "type": "same-family"}] if b.get("sameFamily") else []),
            "how": f"the public GGUF of {b['id']} ({b['file']}, joined from the PyPI packages "
                   f"{fetched['packages'][0]}..{fetched['packages'][-1]}); `python3 scripts/fetch_models.py` fetches it",
            "metrics": {},
        })
        for suffix, path in lab_outputs(name):
            if not done(path):
                continue
            r = json.load(open(record_path(path)))
            metrics = dict(r.get("metrics", {}))
            ev = path.rstrip("/") + ".eval.json"
            if os.path.exists(ev):
                metrics["heldOutLoss"] = json.load(open(ev))["heldOutLoss"]
            if suffix == "":
                lineage = [{"parent": b["labId"], "type": "quantization"}]
                how = r["how"] + " (lossless: the same numbers as the GGUF, now float32)"
                metrics["reloadMaxAbsLogitDiff"] = r["reloadMaxAbsLogitDiff"]
                metrics["tokenizer"] = r["tokenizer"]
            elif r["type"] == "merge":
                lineage = [{"parent": remap(p), "type": "merge"} for p in r["parents"]]
                how = r["how"]
            else:
                lineage = [{"parent": remap(r["parent"]), "type": r["type"]}]
                how = r["how"]
            entries.append({
                "id": f"lab/{name}{suffix}", **common, "organisation": "lab", "format": r["format"],
                "path": rel(path), "file": os.path.basename(path), **({"sha256": r["sha256"]} if "sha256" in r else {}),
                "sizeBytes": r.get("sizeBytes") or os.path.getsize(os.path.join(path, "model.safetensors")),
                "lineage": lineage, "how": how, "metrics": metrics, "seconds": r.get("seconds"),
            })
    with open(os.path.join(LAB, "lab.json"), "w") as fh:
        json.dump(entries, fh, indent=1)
        fh.write("\n")
    log(f"manifest: lab/lab.json, {len(entries)} entries")
    print("| id | format | lineage | metrics |\n|---|---|---|---|")
    for e in entries:
        m = e["metrics"]
        bits = []
        if "relRms" in m:
            bits.append(f"rel-RMS {m['relRms']:.4f}")
        if "heldOutLossBefore" in m:
            bits.append(f"{m['corpus']['name']} loss {m['heldOutLossBefore']:.3f} -> {m['heldOutLossAfter']:.3f} "
                        f"(-{1 - m['heldOutLossAfter'] / m['heldOutLossBefore']:.0%}; {m['steps']} steps, "
                        f"{m['steps'] * FT['batch'] * FT['seq']} tokens, {m['trainSeconds'] / 60:.1f} min)")
        if "relDistFromBase" in m:
            bits.append(f"dist from base {m['relDistFromBase']:.2e}, from linear {m['relDistFromLinearMerge']:.2e}")
        if "tensorsSlerped" in m:
            bits.append(f"{m['tensorsSlerped']} tensors slerped, {m['tensorsLerpFallback']} lerp")
        if "heldOutLoss" in m:
            bits.append("held-out loss " + ", ".join(f"{k} {v:.3f}" for k, v in m["heldOutLoss"].items()))
        lin = ", ".join(f"{x['type']} of {x['parent']}" for x in e["lineage"]) or "-"
        print(f"| {e['id']} | {e['format']} | {lin} | {'; '.join(bits)} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["bases", "quant", "corpora", "finetune", "merge", "eval", "kl", "manifest", "all"])
    ap.add_argument("--only", default="", help="comma-separated base names")
    ap.add_argument("--aggregate-only", action="store_true",
                    help="kl: only rebuild lab/behaviour.json from the models already measured")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)  # 2 cores shared by a team
    os.makedirs(WEIGHTS, exist_ok=True)
    cmds = {"bases": cmd_bases, "quant": cmd_quant, "corpora": cmd_corpora, "finetune": cmd_finetune, "merge": cmd_merge, "eval": cmd_eval, "kl": cmd_kl, "manifest": cmd_manifest}
    order = ["bases", "quant", "corpora", "finetune", "merge", "eval", "kl", "manifest"]
    for c in order if args.cmd == "all" else [args.cmd]:
        if c in cmds:
            cmds[c](args)


if __name__ == "__main__":
    main()
