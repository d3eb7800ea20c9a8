#!/usr/bin/env python3
"""Writes a project with N assessments for benchmarks: the shipped policy and pages,
and the shipped example assessments repeated with numbered names and references.

    python3 scripts/bench/corpus.py N DIR

Deterministic: the same N gives the same files. The records stay valid because each
copy changes only its service name, its reference and its file name (the slug).
"""
import pathlib
import re
import shutil
import sys

n, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
repo = pathlib.Path(__file__).resolve().parents[2]
examples = sorted((repo / "content/bedomningar").glob("*.toml"))
if out.exists():
    shutil.rmtree(out)
(out / "content/bedomningar").mkdir(parents=True)
shutil.copy(repo / "content/policy.toml", out / "content/policy.toml")
shutil.copytree(repo / "content/sidor", out / "content/sidor")
for i in range(n):
    src = examples[i % len(examples)]
    text = src.read_text(encoding="utf-8")
    # The first `namn` and `referens` belong to [tjanst], which every record starts with.
    text = re.sub(r'^(namn = ")(.*)(")$', lambda m: f"{m[1]}{m[2]} {i:05d}{m[3]}", text, count=1, flags=re.M)
    text = re.sub(r'^(referens = ")(.*)(")$', lambda m: f"{m[1]}{m[2]}-{i:05d}{m[3]}", text, count=1, flags=re.M)
    text = re.sub(r'^slug = .*$', "", text, flags=re.M)
    (out / "content/bedomningar" / f"{src.stem}-{i:05d}.toml").write_text(text, encoding="utf-8")
print(f"corpus: {n} assessments in {out}")
