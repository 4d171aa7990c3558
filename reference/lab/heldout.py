"""The lab's held-out text for behavioural distances (KL between next-token distributions).

Real human-written text that is neither the probe set nor a fine-tune corpus: English prose and Python
code from the documentation and source of CPython's standard library (Python Software Foundation
License 2.0; written by the CPython developers). Made from the exact interpreter below and committed
(corpora/heldout.txt, sha256 in corpora/heldout.json), so every machine scores the same text.

    python reference/lab/heldout.py      # rewrites corpora/heldout.{txt,json}
"""

import hashlib
import inspect
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Prose: the docstrings of these modules and of their public classes and functions, in this order.
PROSE_MODULES = ["textwrap", "argparse", "collections", "functools", "itertools", "json", "logging", "csv",
                 "fractions", "decimal", "datetime", "calendar", "string", "shutil", "tempfile", "pathlib",
                 "heapq", "bisect", "difflib", "statistics", "random", "unittest", "zipfile", "email.message"]
# Code: whole source files of these modules.
CODE_MODULES = ["textwrap", "bisect", "heapq", "fractions", "colorsys", "shlex"]
TARGET_CHARS = 110_000  # about 25-30k tokens for each lab tokenizer


def prose():
    out = []
    for name in PROSE_MODULES:
        mod = importlib.import_module(name)
        if mod.__doc__:
            out.append(inspect.cleandoc(mod.__doc__))
        for attr in sorted(getattr(mod, "__all__", None) or dir(mod)):
            if attr.startswith("_"):
                continue
            obj = getattr(mod, attr, None)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and getattr(obj, "__module__", "") == mod.__name__:
                doc = inspect.getdoc(obj)
                if doc and len(doc) > 200:
                    out.append(doc)
    return out


def code():
    return [open(inspect.getsourcefile(importlib.import_module(n))).read() for n in CODE_MODULES]


def main():
    parts, n = [], 0
    # interleave prose and code so any prefix of the text has both
    pr, co = prose(), code()
    ci = 0
    for i, p in enumerate(pr):
        parts.append(p)
        n += len(p)
        if i % 12 == 11 and ci < len(co):
            parts.append(co[ci])
            n += len(co[ci])
            ci += 1
        if n >= TARGET_CHARS:
            break
    text = "\n\n".join(parts) + "\n"
    path = os.path.join(HERE, "corpora", "heldout.txt")
    with open(path, "w") as fh:
        fh.write(text)
    meta = {
        "file": "reference/lab/corpora/heldout.txt",
        "sha256": hashlib.sha256(text.encode()).hexdigest(), "chars": len(text),
        "source": f"CPython {sys.version.split()[0]} standard library: docstrings of {', '.join(PROSE_MODULES)} "
                  f"(modules and their public classes/functions with docstrings over 200 chars, in order) "
                  f"interleaved with the source files of {', '.join(CODE_MODULES[:ci])}",
        "licence": "PSF-2.0 (Python Software Foundation License Version 2)",
        "authors": "the CPython developers",
        "made by": "reference/lab/heldout.py",
    }
    with open(os.path.join(HERE, "corpora", "heldout.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
        fh.write("\n")
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
