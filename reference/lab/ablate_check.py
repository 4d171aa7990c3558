"""Independent figures for src/cli/lab-commands.test.ts: method v1 on the stored lab embeddings, with
numpy and scipy (not our code). M3: within-family ROC-AUC of cosine for direct lineage pairs (any edge
but same-family) = Mann-Whitney U / (n+ n-), cosines rounded to 12 digits so that exact ties (the
float32 copy and its GGUF have the same vector) stay ties; M1: SmolLM2 base to its re-quantizations;
M2: Spearman of cosine vs -klSym over the behaviour groups' pairs, the selection families' groups
(smollm2, gemma-3) pooled, and the held-out group (qwen2.5-coder) alone.
    python3 reference/lab/ablate_check.py   (from the repository root; numpy + scipy)
"""
import base64
import json
import os

import numpy as np
from scipy.stats import mannwhitneyu, spearmanr

lab = json.load(open("lab/lab.json"))
vec = {}
for n in os.listdir("lab/embeddings-v1"):
    d = json.load(open(os.path.join("lab/embeddings-v1", n)))
    vec[d["model"]["file"]] = np.frombuffer(base64.b64decode(d["vectorBase64"]), dtype="<f4").astype(np.float64)
fam = {m["id"]: m["family"] for m in lab}
edges = set()
for m in lab:
    for e in m.get("lineage", []):
        if e["type"] != "same-family":
            edges |= {(m["id"], e["parent"]), (e["parent"], m["id"])}


def cos(a, b):
    return round(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)), 12)


for family in ["SmolLM2", "Gemma-3", "Qwen2.5"]:
    ids = sorted(i for i in vec if fam.get(i) == family)
    pos, neg = [], []
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            (pos if (ids[i], ids[j]) in edges else neg).append(cos(vec[ids[i]], vec[ids[j]]))
    print("M3", family, mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg)))
base = "lab/smollm2-135m-instruct-q4_1"
for q in ["q8_0", "q5_1", "q5_0", "q4_0"]:
    print("M1", q, cos(vec[base], vec[f"lab/smollm2-135m-instruct-{q}"]))
groups = json.load(open("lab/behaviour.json"))["groups"]
for name, keys in [("selection", ["smollm2", "gemma-3"]), ("held-out", ["qwen2.5-coder"])]:
    x, y = [], []
    for k in keys:
        g = groups.get(k)
        if g is None:
            continue
        for i in range(len(g["models"])):
            for j in range(i + 1, len(g["models"])):
                a, b = g["models"][i], g["models"][j]
                if a in vec and b in vec:
                    x.append(cos(vec[a], vec[b]))
                    y.append(-g["klSym"][i][j])
    print("M2", name, len(x), "pairs", spearmanr(x, y).statistic if x else None)
