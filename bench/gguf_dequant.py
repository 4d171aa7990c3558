"""Reference side of the dequant benchmark: gguf-py's numpy dequantization of the very bytes the
TypeScript side timed, against a numpy float32 copy of the same output size in this process.
Usage: python bench/gguf_dequant.py REPS TYPE=FILE [TYPE=FILE ...]; prints one JSON object."""
import json
import platform
import sys
import time

import numpy as np
from gguf import GGMLQuantizationType, quants


def timed(fn, reps):
    fn()  # warm-up
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    s = sorted(samples)
    mid = len(s) // 2
    median = s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2
    return {"samples": samples, "median": median, "min": s[0]}


def main():
    reps = int(sys.argv[1])
    out = {"python": platform.python_version(), "numpy": np.__version__, "types": {}}
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        data = np.fromfile(path, dtype=np.uint8)
        qtype = GGMLQuantizationType[name]
        n = quants.dequantize(data, qtype).size
        src = np.random.default_rng(0).standard_normal(n, dtype=np.float32)
        dst = np.empty(n, dtype=np.float32)
        out["types"][name] = {
            "elements": int(n),
            # float64 sum of the values: the TypeScript side checks it dequantized the same thing
            "sum": float(quants.dequantize(data, qtype).astype(np.float64).sum()),
            "dequant": timed(lambda: quants.dequantize(data, qtype), reps),
            "copy": timed(lambda: np.copyto(dst, src), reps),
        }
    print(json.dumps(out))


main()
