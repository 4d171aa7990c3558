"""A from-scratch numpy forward of every tiny variant, written from README.md's rules alone, checked
against golden.json. If this passes, the README is a sufficient spec for the TypeScript model writer.

Run: /tmp/refvenv/bin/python reference/numpy_forward.py   (prints max |logit diff| per variant)
"""

import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = os.path.join(ROOT, "test/fixtures/tiny")


def rms(x, w, eps, gemma):
    y = x / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
    return y * (1.0 + w) if gemma else y * w


def layernorm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def gelu_erf(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def silu(x):
    return x / (1 + np.exp(-x))


def inv_freq(r, rp):
    theta = rp["rope_theta"]
    inv = 1.0 / theta ** (np.arange(0, r, 2, dtype=np.float64) / r)
    if rp.get("rope_type") == "llama3":
        orig, lo_f, hi_f, fac = rp["original_max_position_embeddings"], rp["low_freq_factor"], \
            rp["high_freq_factor"], rp["factor"]
        wl = 2 * math.pi / inv
        lo, hi = orig / lo_f, orig / hi_f
        s = (orig / wl - lo_f) / (hi_f - lo_f)
        inv = np.where(wl < hi, inv, np.where(wl > lo, inv / fac, (1 - s) * inv / fac + s * inv))
    return inv


def rope(x, r, inv):
    """x: [heads, T, hd]; rotate the first r dims with pairs (j, j + r/2)."""
    T = x.shape[1]
    ang = np.arange(T)[:, None] * inv[None, :]
    cos = np.concatenate([np.cos(ang)] * 2, -1)
    sin = np.concatenate([np.sin(ang)] * 2, -1)
    xr, xp = x[..., :r], x[..., r:]
    rot = np.concatenate([-xr[..., r // 2:], xr[..., : r // 2]], -1)
    return np.concatenate([xr * cos + rot * sin, xp], -1)


def attention(q, k, v, scale, window=None, softcap=None):
    """q: [H, T, hd], k/v: [KV, T, hd] -> [T, H*hd]."""
    H, T, hd = q.shape
    rep = H // k.shape[0]
    k, v = np.repeat(k, rep, 0), np.repeat(v, rep, 0)
    s = q @ k.transpose(0, 2, 1) * scale
    if softcap:
        s = np.tanh(s / softcap) * softcap
    qi, ki = np.arange(T)[:, None], np.arange(T)[None, :]
    allowed = ki <= qi
    if window:
        allowed &= ki > qi - window
    s = np.where(allowed, s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return (p @ v).transpose(1, 0, 2).reshape(T, H * hd)


def lin(W, x, b=None):
    y = x @ W.T
    return y if b is None else y + b


def forward(variant, ids):
    d = os.path.join(TINY, variant)
    c = json.load(open(os.path.join(d, "config.json")))
    W = {k: v.astype(np.float64) for k, v in load_file(os.path.join(d, "model.safetensors")).items()}
    arch = c["architectures"][0]
    T = len(ids)
    if arch == "GPT2LMHeadModel":
        D, H = c["n_embd"], c["n_head"]
        hd, eps = D // H, c["layer_norm_epsilon"]
        h = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][np.arange(T)]
        for L in range(c["n_layer"]):
            p = f"transformer.h.{L}."
            x = layernorm(h, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
            qkv = x @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
            q, k, v = (qkv[:, i * D:(i + 1) * D].reshape(T, H, hd).transpose(1, 0, 2) for i in range(3))
            h = h + attention(q, k, v, hd**-0.5) @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
            x = layernorm(h, W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
            m = gelu_tanh(x @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"])
            h = h + m @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
        h = layernorm(h, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"], eps)
        return h @ W["transformer.wte.weight"].T
    if arch == "GPTNeoXForCausalLM":
        D, H = c["hidden_size"], c["num_attention_heads"]
        hd, eps = D // H, c["layer_norm_eps"]
        r = int(hd * c["rope_parameters"]["partial_rotary_factor"])
        inv = inv_freq(r, c["rope_parameters"])
        h = W["gpt_neox.embed_in.weight"][ids]
        for L in range(c["num_hidden_layers"]):
            p = f"gpt_neox.layers.{L}."
            x = layernorm(h, W[p + "input_layernorm.weight"], W[p + "input_layernorm.bias"], eps)
            qkv = lin(W[p + "attention.query_key_value.weight"], x, W[p + "attention.query_key_value.bias"])
            qkv = qkv.reshape(T, H, 3 * hd).transpose(1, 0, 2)
            q, k, v = qkv[..., :hd], qkv[..., hd:2 * hd], qkv[..., 2 * hd:]
            a = attention(rope(q, r, inv), rope(k, r, inv), v, hd**-0.5)
            a = lin(W[p + "attention.dense.weight"], a, W[p + "attention.dense.bias"])
            x2 = layernorm(h, W[p + "post_attention_layernorm.weight"], W[p + "post_attention_layernorm.bias"], eps)
            m = gelu_erf(lin(W[p + "mlp.dense_h_to_4h.weight"], x2, W[p + "mlp.dense_h_to_4h.bias"]))
            m = lin(W[p + "mlp.dense_4h_to_h.weight"], m, W[p + "mlp.dense_4h_to_h.bias"])
            assert c["use_parallel_residual"]
            h = h + a + m
        h = layernorm(h, W["gpt_neox.final_layer_norm.weight"], W["gpt_neox.final_layer_norm.bias"], eps)
        return h @ W.get("lm_head.weight", W["gpt_neox.embed_in.weight"]).T
    # Llama-like families
    gemma = arch.startswith("Gemma")
    D, H, KV = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    hd = c.get("head_dim") or D // H
    eps = c["rms_norm_eps"]
    E = W["model.embed_tokens.weight"]
    h = E[ids] * (np.float32(math.sqrt(D)) if gemma else 1.0)
    act = gelu_tanh if gemma else silu
    layer_types = c.get("layer_types") or ["full_attention"] * c["num_hidden_layers"]
    for L in range(c["num_hidden_layers"]):
        p = f"model.layers.{L}."
        sliding = layer_types[L] == "sliding_attention"
        rp = c["rope_parameters"]
        if arch == "Gemma3ForCausalLM":
            rp = rp[layer_types[L]]
        r = int(hd * rp.get("partial_rotary_factor", 1.0))
        inv = inv_freq(r, rp)
        x = rms(h, W[p + "input_layernorm.weight"], eps, gemma)
        if arch == "Phi3ForCausalLM":
            qkv = lin(W[p + "self_attn.qkv_proj.weight"], x)
            q, k, v = np.split(qkv, [H * hd, H * hd + KV * hd], -1)
        else:
            q = lin(W[p + "self_attn.q_proj.weight"], x, W.get(p + "self_attn.q_proj.bias"))
            k = lin(W[p + "self_attn.k_proj.weight"], x, W.get(p + "self_attn.k_proj.bias"))
            v = lin(W[p + "self_attn.v_proj.weight"], x, W.get(p + "self_attn.v_proj.bias"))
        q = q.reshape(T, H, hd).transpose(1, 0, 2)
        k = k.reshape(T, KV, hd).transpose(1, 0, 2)
        v = v.reshape(T, KV, hd).transpose(1, 0, 2)
        if p + "self_attn.q_norm.weight" in W:
            q = rms(q, W[p + "self_attn.q_norm.weight"], eps, gemma)
            k = rms(k, W[p + "self_attn.k_norm.weight"], eps, gemma)
        scale = c["query_pre_attn_scalar"] ** -0.5 if arch in ("Gemma2ForCausalLM", "Gemma3ForCausalLM") \
            else hd**-0.5
        window = c.get("sliding_window") if (sliding or arch == "MistralForCausalLM") else None
        a = attention(rope(q, r, inv), rope(k, r, inv), v, scale, window, c.get("attn_logit_softcapping"))
        a = lin(W[p + "self_attn.o_proj.weight"], a)
        post = p + "post_feedforward_layernorm.weight" in W
        if post:  # gemma2/3 sandwich norms
            h = h + rms(a, W[p + "post_attention_layernorm.weight"], eps, gemma)
            x = rms(h, W[p + "pre_feedforward_layernorm.weight"], eps, gemma)
        else:
            h = h + a
            x = rms(h, W[p + "post_attention_layernorm.weight"], eps, gemma)
        if arch == "Phi3ForCausalLM":
            g, u = np.split(lin(W[p + "mlp.gate_up_proj.weight"], x), 2, -1)
        else:
            g, u = lin(W[p + "mlp.gate_proj.weight"], x), lin(W[p + "mlp.up_proj.weight"], x)
        m = lin(W[p + "mlp.down_proj.weight"], act(g) * u)
        h = h + (rms(m, W[p + "post_feedforward_layernorm.weight"], eps, gemma) if post else m)
    h = rms(h, W["model.norm.weight"], eps, gemma)
    logits = h @ W.get("lm_head.weight", E).T
    cap = c.get("final_logit_softcapping")
    return np.tanh(logits / cap) * cap if cap else logits


def main():
    worst = 0.0
    for v in sorted(os.listdir(TINY)):
        gp = os.path.join(TINY, v, "golden.json")
        if not os.path.exists(gp):
            continue
        g = json.load(open(gp))
        errs = []
        for case in g["cases"]:
            lg = forward(v, case["ids"])
            lse = np.log(np.exp(lg - lg.max(-1, keepdims=True)).sum(-1)) + lg.max(-1)
            errs.append(np.abs(lg[:, g["logitsSampleIds"]] - np.array(case["logits"]["sample"])).max())
            errs.append(np.abs(lse - np.array(case["logits"]["logsumexp"])).max())
        e = max(errs)
        worst = max(worst, e)
        print(f"{v:12s} max |logit - golden| = {e:.2e}")
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
