"""Dequantizes every tensor of a GGUF file with the `gguf` Python package and prints, as JSON,
each tensor's name, type, dims (GGUF order), absolute data offset and the sha256 of its float32
little-endian dequantized values. test/parity/weights.parity.ts compares our TypeScript reader
against this bit for bit.

Usage: python reference/gguf_dump.py FILE.gguf                 -> JSON on stdout
       python reference/gguf_dump.py FILE.gguf --raw NAME OUT  -> NAME's float32 values to OUT
"""
import hashlib
import json
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

ROWS = 4096  # dequantize this many rows at a time (bounded memory; per-block maths is unchanged)


def tensor_f32_chunks(t):
    data = np.asarray(t.data)
    rows = data.reshape(-1, data.shape[-1]) if data.ndim > 1 else data.reshape(1, -1)
    for i in range(0, rows.shape[0], ROWS):
        yield np.ascontiguousarray(dequantize(rows[i:i + ROWS], t.tensor_type), dtype="<f4")


def main():
    reader = GGUFReader(sys.argv[1])
    if len(sys.argv) == 5 and sys.argv[2] == "--raw":
        t = next(t for t in reader.tensors if t.name == sys.argv[3])
        with open(sys.argv[4], "wb") as f:
            for chunk in tensor_f32_chunks(t):
                f.write(chunk.tobytes())
        return
    out = []
    for t in reader.tensors:
        h = hashlib.sha256()
        n = 0
        for chunk in tensor_f32_chunks(t):
            h.update(chunk.tobytes())
            n += chunk.size
        out.append({"name": t.name, "type": t.tensor_type.name, "dims": [int(d) for d in t.shape],
                    "offset": int(t.data_offset), "elements": n, "sha256": h.hexdigest()})
    json.dump({"file": sys.argv[1], "tensors": out}, sys.stdout)


if __name__ == "__main__":
    main()
