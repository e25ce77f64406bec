"""The cost of the call graph: the engine over the corpus with --executor-follow-calls on and off.

Usage: python benchmarks/engine_follow_calls.py [CORPUS_DIR]  (default: the cache run.py builds).
Times ast.parse, then analyze() with each setting, in one process, three passes, medians.
"""

import ast
import glob
import statistics
import sys
import time
from pathlib import Path

from flake8_executor.config.settings import Settings
from flake8_executor.engine import analyze

corpus = (
    sys.argv[1] if len(sys.argv) > 1 else str(Path.home() / ".cache/flake8-executor-bench/corpus")
)
files = sorted(glob.glob(corpus + "/**/*.py", recursive=True))
srcs = []
for f in files:
    try:
        s = Path(f).read_text(encoding="utf-8")
        ast.parse(s)
        srcs.append(s)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        pass
res: dict[str, list[float]] = {"parse": [], "on": [], "off": []}
n = {}
for _ in range(3):
    t = time.perf_counter()
    trees = [ast.parse(s) for s in srcs]
    res["parse"].append(time.perf_counter() - t)
    for name, st in (("on", Settings()), ("off", Settings(follow_calls=False))):
        t = time.perf_counter()
        n[name] = sum(len(analyze(tr, st, s)) for tr, s in zip(trees, srcs))
        res[name].append(time.perf_counter() - t)
p = statistics.median(res["parse"])
print(f"{len(srcs)} files; median ast.parse {p:.2f}s")
for k in ("on", "off"):
    m = statistics.median(res[k])
    print(
        f"follow-calls={k}: analyze {m:.2f}s, (parse+analyze)/parse {(p + m) / p:.2f}x, findings {n[k]}"
    )
