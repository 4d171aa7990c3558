"""The two self-generated fine-tune corpora of the lineage lab (fixed seeds, no external text).

arith:  arithmetic word problems with worked answers (shopping, travel, sharing, ...).
pycode: short Python functions with docstrings and a doctest-style example.
They are deliberately far apart (prose with numbers vs code) so the two fine-tunes of one base move
it in clearly different directions. `python corpora.py` rewrites corpora/*.txt; the sha256 of each
file is recorded in lab/lab.json.
"""

import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET_BYTES = 200_000

NAMES = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam",
         "Mina", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Yara"]
ITEMS = [("apple", "apples"), ("pencil", "pencils"), ("notebook", "notebooks"), ("ticket", "tickets"),
         ("loaf of bread", "loaves of bread"), ("marble", "marbles"), ("stamp", "stamps"), ("book", "books"),
         ("orange", "oranges"), ("cupcake", "cupcakes"), ("seed packet", "seed packets"), ("candle", "candles")]
PLACES = ["the market", "the library", "the station", "the bakery", "the hardware shop", "the fair"]


def arith_problem(r):
    a, b = r.sample(NAMES, 2)
    item, items = r.choice(ITEMS)
    kind = r.randrange(6)
    if kind == 0:
        n, p = r.randint(2, 19), r.randint(2, 15)
        return (f"Question: {a} buys {n} {items} at {r.choice(PLACES)}. Each {item} costs {p} dollars. "
                f"How much does {a} pay?\nAnswer: {n} x {p} = {n * p}. {a} pays {n * p} dollars.")
    if kind == 1:
        n, k = r.randint(20, 99), r.randint(2, 9)
        q, m = divmod(n, k)
        return (f"Question: {a} has {n} {items} and shares them equally among {k} friends. How many does "
                f"each friend get, and how many are left?\nAnswer: {n} / {k} = {q} remainder {m}. Each friend "
                f"gets {q} {items if q != 1 else item} and {m} {'are' if m != 1 else 'is'} left.")
    if kind == 2:
        x, y, z = r.randint(10, 90), r.randint(5, 60), r.randint(1, 40)
        return (f"Question: {a} had {x} {items}. {b} gave {a} {y} more, then {a} lost {z}. How many {items} "
                f"does {a} have now?\nAnswer: {x} + {y} = {x + y}, and {x + y} - {z} = {x + y - z}. "
                f"{a} has {x + y - z} {items}.")
    if kind == 3:
        v, t = r.randint(3, 90), r.randint(2, 8)
        return (f"Question: A train leaves {r.choice(PLACES)} and travels at {v} kilometres per hour for {t} "
                f"hours. How far does it go?\nAnswer: distance = speed x time = {v} x {t} = {v * t}. "
                f"The train goes {v * t} kilometres.")
    if kind == 4:
        w, h = r.randint(2, 30), r.randint(2, 30)
        return (f"Question: {a} paints a wall that is {w} metres wide and {h} metres tall. What is its area "
                f"and its perimeter?\nAnswer: area = {w} x {h} = {w * h} square metres; perimeter = "
                f"2 x ({w} + {h}) = {2 * (w + h)} metres.")
    base, pct = r.randint(2, 40) * 10, r.choice([10, 20, 25, 50])
    off = base * pct // 100
    return (f"Question: A coat costs {base} dollars and is on sale for {pct} percent off. What is the "
            f"sale price?\nAnswer: {pct} percent of {base} is {off}, and {base} - {off} = {base - off}. "
            f"The sale price is {base - off} dollars.")


def py_function(r):
    kind = r.randrange(6)
    v = r.choice(["xs", "values", "items", "nums", "data"])
    n = r.randint(2, 9)
    if kind == 0:
        fn = r.choice(["total", "sum_all", "add_up"])
        return (f"def {fn}({v}):\n    \"\"\"Return the sum of the numbers in {v}.\n\n    >>> {fn}([1, 2, {n}])\n"
                f"    {3 + n}\n    \"\"\"\n    result = 0\n    for x in {v}:\n        result += x\n    return result\n")
    if kind == 1:
        fn = r.choice(["scale", "multiply_all", "times"])
        return (f"def {fn}({v}, factor={n}):\n    \"\"\"Return a new list with every element of {v} multiplied "
                f"by factor.\n\n    >>> {fn}([1, 2], {n})\n    [{n}, {2 * n}]\n    \"\"\"\n"
                f"    return [x * factor for x in {v}]\n")
    if kind == 2:
        fn = r.choice(["count_even", "evens", "num_even"])
        return (f"def {fn}({v}):\n    \"\"\"Count how many numbers in {v} are even.\n\n    >>> {fn}([1, 2, 4, {n}])\n"
                f"    {2 + (n % 2 == 0)}\n    \"\"\"\n    return sum(1 for x in {v} if x % 2 == 0)\n")
    if kind == 3:
        fn = r.choice(["first_word", "head_word", "leading_word"])
        w = r.choice(["hello world", "lab model", "quick fox", "red apple"])
        return (f"def {fn}(text):\n    \"\"\"Return the first word of text, or an empty string.\n\n"
                f"    >>> {fn}('{w}')\n    '{w.split()[0]}'\n    \"\"\"\n    parts = text.split()\n"
                f"    return parts[0] if parts else ''\n")
    if kind == 4:
        fn = r.choice(["clamp", "bound", "limit"])
        lo, hi = r.randint(0, 5), r.randint(10, 20)
        return (f"def {fn}(x, lo={lo}, hi={hi}):\n    \"\"\"Clamp x to the closed interval [lo, hi].\n\n"
                f"    >>> {fn}({hi + n})\n    {hi}\n    \"\"\"\n    if x < lo:\n        return lo\n"
                f"    if x > hi:\n        return hi\n    return x\n")
    fn = r.choice(["index_of", "find", "position"])
    return (f"def {fn}({v}, target):\n    \"\"\"Return the index of target in {v}, or -1 if it is absent.\n\n"
            f"    >>> {fn}([{n}, {n + 1}, {n + 2}], {n + 1})\n    1\n    \"\"\"\n"
            f"    for i, x in enumerate({v}):\n        if x == target:\n            return i\n    return -1\n")


def make(gen, seed):
    r, parts, size = random.Random(seed), [], 0
    while size < TARGET_BYTES:
        s = gen(r)
        parts.append(s)
        size += len(s) + 2
    return "\n\n".join(parts) + "\n"


CORPORA = {"arith": (arith_problem, 1), "pycode": (py_function, 2)}


def write_all(out_dir=os.path.join(HERE, "corpora")):
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for name, (gen, seed) in CORPORA.items():
        p = os.path.join(out_dir, f"{name}.txt")
        with open(p, "w") as fh:
            fh.write(make(gen, seed))
        paths[name] = p
    return paths


if __name__ == "__main__":
    for k, p in write_all().items():
        print(k, p, os.path.getsize(p))
