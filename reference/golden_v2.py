"""Golden values for the method-v2 graph options: test/fixtures/tiny/<variant>/golden-v2.json.

For a few tiny variants and two probes, PyTorch autograd (oracle.attribute_rows) gives f [B] and
df/dX [B, T, D] with B = 2, alpha = [1, 0.5], for
  - case "offset":   X[b] = alpha[b] E + offset[b], a seeded Gaussian offset (0.5 std(E) per entry),
                     objective target-logprob (the graph option offset: true);
  - case "expected": X[b] = alpha[b] E, objective expected-logprob (f = sum over the target-predicting
                     positions of sum_v p_v log p_v).
Each case also records the float64 model's figures as error bars (transformers keeps RMSNorm and rope
in float32 inside a float64 model, so these bottom out near 1e-6).

Run: cd reference && /tmp/refvenv/bin/python golden_v2.py [--only llama,gemma3]
"""

import argparse
import json
import os

import tokenizers
import torch
import transformers

from golden import PROBES, ROOT, load_model
from oracle import attribute_rows, encode, f32

VARIANTS = ["llama", "gemma2", "gemma3"]
PROBE_IDS = ["fact", "apostrophe"]
ALPHA = [1.0, 0.5]


def case_for(model, model64, tok, probe, kind, seed):
    _, ids, _, _, target_mask = encode(tok, probe["context"], probe["target"])
    offset = None
    if kind == "offset":
        with torch.no_grad():
            e = model.get_input_embeddings()(torch.tensor([ids]))
        g = torch.Generator().manual_seed(seed)
        offset = (torch.randn((len(ALPHA), *e.shape[1:]), generator=g) * 0.5 * e.std()).float()
    objective = "expected-logprob" if kind == "expected" else "target-logprob"
    f, grad = attribute_rows(model, ids, target_mask, ALPHA, offset, objective)
    f64, grad64 = attribute_rows(model64, ids, target_mask, ALPHA, offset, objective)
    check = {
        "f32VsF64AbsErr": float((f.double() - f64).abs().max()),
        "grad32VsGrad64RelErr": float((grad.double() - grad64).norm() / grad64.norm()),
    }
    print(f"  {probe['id']:10s} {kind:8s} T={len(ids):2d} f={[round(float(v), 4) for v in f]} "
          f"|grad|={float(grad.norm()):.3g} f32/f64 {check['f32VsF64AbsErr']:.1e} g32/g64 {check['grad32VsGrad64RelErr']:.1e}")
    c = {"id": f"{probe['id']}-{kind}", "probe": probe["id"], "ids": ids, "targetMask": target_mask,
         "objective": objective, "alpha": ALPHA}
    if offset is not None:
        c["offsetSeed"] = seed
        c["offset"] = f32(offset.numpy())
    c.update({"f": f32(f.numpy()), "grad": f32(grad.numpy()), "check": check})
    return c


def golden_v2_for(variant_dir):
    meta = json.load(open(os.path.join(variant_dir, "meta.json")))
    tok_dir = os.path.join(os.path.dirname(variant_dir), "tokenizers", meta["tokenizer"])
    tok = tokenizers.Tokenizer.from_file(os.path.join(tok_dir, "tokenizer.json"))
    model = load_model(variant_dir, torch.float32)
    model64 = load_model(variant_dir, torch.float64)
    probes = [p for p in PROBES if p["id"] in PROBE_IDS]
    cases = [case_for(model, model64, tok, p, kind, seed=1000 + i)
             for i, p in enumerate(probes) for kind in ("offset", "expected")]
    return {
        "format": "able-golden-v2/1",
        "variant": meta["variant"],
        "architecture": meta["architecture"],
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
        "dtype": "float32 compute, weights float16 from model.safetensors upcast exactly",
        "x": "X[b] = alpha[b] E + offset[b] (offset 0 when absent), E as in golden.json; grad = df/dX [B][T][D]",
        "cases": cases,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(ROOT, "test/fixtures/tiny"))
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    torch.set_num_threads(1)
    only = [s for s in args.only.split(",") if s] or VARIANTS
    for name in only:
        d = os.path.join(args.dir, name)
        print(name)
        g = golden_v2_for(d)
        out = os.path.join(d, "golden-v2.json")
        with open(out, "w") as fh:
            json.dump(g, fh, separators=(",", ":"))
            fh.write("\n")
        print(f"  -> golden-v2.json {os.path.getsize(out) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
