"""Reference side of the dequant benchmark: gguf-py's numpy dequantization of the very bytes the
TypeScript side timed, against a numpy float32 copy of the same output size in this process.
Usage: python bench/gguf_dequant.py REPS TYPE=FILE [TYPE=FILE ...]; prints one JSON object."""
import json
import platform
import sys
import time

import numpy as np
from gguf import GGMLQuantizationType, quants


def summary(samples):
    s = sorted(samples)
    mid = len(s) // 2
    median = s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2
    return {"samples": samples, "median": median, "min": s[0]}


def timed_pair(a, b, reps):
    """Warm-up of each, then reps rounds in alternating order (as bench/lib/measure.ts does)."""
    a()
    b()
    sa, sb = [], []
    for i in range(reps):
        for fn, into in ((a, sa), (b, sb)) if i % 2 == 0 else ((b, sb), (a, sa)):
            t0 = time.perf_counter()
            fn()
            into.append((time.perf_counter() - t0) * 1000)
    return summary(sa), summary(sb)


COPIES = 10  # copies per timed call, as in bench/dequant.ts: one copy is too short to time under load


def copies(dst, src):
    for _ in range(COPIES):
        np.copyto(dst, src)


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
        deq, copy = timed_pair(lambda: quants.dequantize(data, qtype), lambda: copies(dst, src), reps)
        copy = {"samples": [x / COPIES for x in copy["samples"]], "median": copy["median"] / COPIES, "min": copy["min"] / COPIES}
        out["types"][name] = {
            "elements": int(n),
            # float64 sum of the values: the TypeScript side checks it dequantized the same thing
            "sum": float(quants.dequantize(data, qtype).astype(np.float64).sum()),
            "dequant": deq,
            "copy": copy,
        }
    print(json.dumps(out))


main()
