"""The reference computation shared by golden.py (tiny fixtures) and real_gguf.py (real GGUF weights).

For one model and one probe (context c, target t), as METHOD.md sections 3 and 4 define them:
  f = sum over target tokens i (span end > len(c), i > 0) of log_softmax(logits[i-1])[ids[i]]
  grad = df/dE, where E = model.get_input_embeddings()(ids): the rows the first layer is fed
         (for Gemma 1/2/3, transformers 5 multiplies by sqrt(hidden) inside that module, so E includes
         the scale; for GPT-2 the learned position embeddings wpe are added later and are not in E)
  gxi_i = <grad_i, e_i>
all in float32 with autograd. A float64 copy of the model checks the float32 gradient and a central
finite difference checks the float64 gradient, so each golden value carries its own error bars
(transformers keeps RMSNorm and rope tables in float32 inside a float64 model, so these checks bottom
out near 1e-6 for the gradient and 1e-4 for the finite difference, not at float64 precision).
"""

import json
import os

import numpy as np
import torch


def f32(x):
    """Nested lists of numbers with the shortest decimal that round-trips as float32 (small JSON)."""
    a = np.asarray(x, dtype=np.float32)
    if a.ndim == 0:
        assert np.isfinite(a), "non-finite value in a golden fixture"
        return float(str(np.float32(a)))
    return [f32(v) for v in a]


def write_json(path, obj):
    """Compact JSON and a final newline (the fixtures' format); returns the size in bytes."""
    with open(path, "w") as fh:
        json.dump(obj, fh, separators=(",", ":"))
        fh.write("\n")
    return os.path.getsize(path)


def encode(tokenizer, context, target):
    """Tokenize c + t with a `tokenizers.Tokenizer` (default special tokens), spans in code points."""
    text = context + target
    assert all(ord(ch) < 0x10000 for ch in text), "keep probes in the BMP: code points == UTF-16 units"
    enc = tokenizer.encode(text, add_special_tokens=True)
    special = [bool(s) for s in enc.special_tokens_mask]
    spans = [None if s else [int(a), int(b)] for (a, b), s in zip(enc.offsets, special)]
    n = len(context)
    target_mask = [i > 0 and sp is not None and sp[1] > n for i, sp in enumerate(spans)]
    return text, list(enc.ids), spans, special, target_mask


def target_fn(model, emb, ids, target_mask):
    """f(E) and the log-prob of each target token; emb is (1, T, D)."""
    out = model(inputs_embeds=emb, use_cache=False)
    logits = out.logits[0]
    logp = torch.log_softmax(logits[:-1].to(emb.dtype), dim=-1)
    idx = [i for i, m in enumerate(target_mask) if m]
    per_token = torch.stack([logp[i - 1, ids[i]] for i in idx])
    return per_token.sum(), per_token, logits


def attribute(model, ids, target_mask, model64=None, fd_step=1e-3, seed=0):
    """Logits, f, df/dE, gxi for one tokenized probe. Optional float64 model for the error checks."""
    ids_t = torch.tensor([ids])
    with torch.no_grad():
        e = model.get_input_embeddings()(ids_t)
    emb = e.detach().clone().requires_grad_(True)
    f, per_token, logits = target_fn(model, emb, ids, target_mask)
    f.backward()
    grad = emb.grad[0].detach()
    res = {
        "f": float(f.detach()),
        "targetLogProbs": per_token.detach().numpy(),
        "logits": logits.detach(),
        "emb": e[0].detach(),
        "grad": grad,
        "gxi": (grad * e[0]).sum(-1),
    }
    if model64 is not None:
        with torch.no_grad():
            e64 = model64.get_input_embeddings()(ids_t)
        emb64 = e64.detach().clone().requires_grad_(True)
        f64, _, _ = target_fn(model64, emb64, ids, target_mask)
        f64.backward()
        g64 = emb64.grad[0]
        # Direction: unit gradient + unit random, so the directional derivative is not tiny. The step is
        # 1e-3 because transformers runs RMSNorm and the rope tables in float32 even in a float64 model.
        r = torch.randn(e64.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        v = (g64 / g64.norm())[None] + r / r.norm()
        with torch.no_grad():
            fp, _, _ = target_fn(model64, e64 + fd_step * v, ids, target_mask)
            fm, _, _ = target_fn(model64, e64 - fd_step * v, ids, target_mask)
        fd = float((fp - fm) / (2 * fd_step))
        an = float((g64 * v[0]).sum())
        res["check"] = {
            "f32VsF64AbsErr": abs(float(f.detach()) - float(f64.detach())),
            "grad32VsGrad64RelErr": float((grad.double() - g64).norm() / g64.norm()),
            "fdDirectional": fd,
            "grad64Directional": an,
            "fdRelErr": abs(fd - an) / max(abs(an), 1e-30),
        }
    return res


def integrated_gradients(model, ids, target_mask, m=16):
    """METHOD.md section 4 `ig`: zero baseline, midpoint rule, alpha_k = (k - 1/2)/m, k = 1..m;
    a_i = <e_i, (1/m) sum_k df/de_i at alpha_k E>. Returns (a [T], the averaged gradient [T, D])."""
    ids_t = torch.tensor([ids])
    with torch.no_grad():
        e = model.get_input_embeddings()(ids_t)
    total = torch.zeros_like(e[0])
    for k in range(1, m + 1):
        x = ((k - 0.5) / m * e).detach().requires_grad_(True)
        f, _, _ = target_fn(model, x, ids, target_mask)
        f.backward()
        total += x.grad[0]
    avg = total / m
    return (avg * e[0]).sum(-1), avg


def logits_summary(logits, ids, sample_ids):
    """What of a T x V logits matrix goes into a fixture: per position logsumexp, max, argmax, the logit
    of the next token, and the logits at a fixed sample of vocab ids (enough to check every row)."""
    lse = torch.logsumexp(logits, dim=-1)
    mx, am = logits.max(dim=-1)
    nxt = [float(logits[t, ids[t + 1]]) for t in range(len(ids) - 1)]
    return {
        "logsumexp": f32(lse.numpy()),
        "max": f32(mx.numpy()),
        "argmax": [int(a) for a in am],
        "next": f32(nxt),
        "sample": f32(logits[:, sample_ids].numpy()),
    }


def integrated_gradients_batched(model, ids, target_mask, m=8):
    """The same as integrated_gradients, with the m scaled copies alpha_k E run as one batch (as our
    graphs do); sum_k f(alpha_k E) is differentiated once, each batch row getting its own df/dE.
    Only the positions that predict a target token go through the vocabulary head (transformers'
    `logits_to_keep` with an index tensor: the head is row-wise, so those rows are unchanged).
    Returns (a [T], the averaged gradient [T, D], f at each alpha [m])."""
    ids_t = torch.tensor([ids])
    with torch.no_grad():
        e = model.get_input_embeddings()(ids_t)
    alphas = torch.tensor([(k - 0.5) / m for k in range(1, m + 1)], dtype=e.dtype)
    x = (alphas[:, None, None] * e).detach().requires_grad_(True)
    idx = [i for i, t in enumerate(target_mask) if t]
    logits = model(inputs_embeds=x, use_cache=False, logits_to_keep=torch.tensor([i - 1 for i in idx])).logits
    logp = torch.log_softmax(logits.to(x.dtype), dim=-1)
    per_row = logp[:, torch.arange(len(idx)), torch.tensor([ids[i] for i in idx])].sum(-1)
    per_row.sum().backward()
    avg = x.grad.mean(0)
    return (avg * e[0]).sum(-1), avg, per_row.detach()


def objective_rows(model, x, ids, target_mask, objective="target-logprob"):
    """f per batch row of inputs_embeds x (B, T, D), summed over the positions i - 1 that predict a target
    token i: log_softmax(logits)[ids[i]] ('target-logprob', METHOD.md section 3) or sum_v p_v log p_v
    ('expected-logprob': the expected log-prob under the model's own next-token distribution)."""
    logits = model(inputs_embeds=x, use_cache=False).logits
    logp = torch.log_softmax(logits[:, :-1].to(x.dtype), dim=-1)
    idx = [i for i, m in enumerate(target_mask) if m]
    pos = torch.tensor([i - 1 for i in idx])
    if objective == "target-logprob":
        terms = logp[:, pos, torch.tensor([ids[i] for i in idx])]
    elif objective == "expected-logprob":
        terms = (logp.exp() * logp).sum(-1)[:, pos]
    else:
        raise ValueError(objective)
    return terms.sum(-1)


def attribute_rows(model, ids, target_mask, alpha, offset=None, objective="target-logprob"):
    """f [B] and df/dX [B, T, D] at X[b] = alpha[b] E + offset[b] (offset (B, T, D) or None), autograd."""
    with torch.no_grad():
        e = model.get_input_embeddings()(torch.tensor([ids]))
    a = torch.tensor(alpha, dtype=e.dtype)[:, None, None]
    x = a * e + (0 if offset is None else offset.to(e.dtype))
    x = x.detach().requires_grad_(True)
    f = objective_rows(model, x, ids, target_mask, objective)
    f.sum().backward()  # rows are independent: each row's grad is its own df/dX
    return f.detach(), x.grad.detach()
