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

import torch
import transformers

from golden import PROBES, main, open_variant
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
    meta, _, tok, model, model64 = open_variant(variant_dir)
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


if __name__ == "__main__":
    main(golden_v2_for, "golden-v2.json", VARIANTS)
