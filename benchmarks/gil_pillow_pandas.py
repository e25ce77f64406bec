"""Do Pillow's and pandas' calls release the GIL? docs/catalog.md's "Threads or processes?" numbers.

Two threads run the same call; CPU time over wall time while they run is 2.0 when they run in
parallel (the GIL is released) and 1.0 when they take turns. A control that releases the GIL
(``hashlib.sha256``) and one that holds it (``json.loads``) frame each run, so a loaded machine
shows as a control off its mark. Needs Pillow, pandas and numpy: ``python
benchmarks/gil_pillow_pandas.py``.
"""

import hashlib
import io
import json
import os
import tempfile
import threading
import time

import numpy as np
import pandas as pd
from PIL import Image

rng = np.random.default_rng(0)
img = Image.fromarray(rng.integers(0, 255, (4000, 6000, 3), dtype=np.uint8), "RGB")
d = tempfile.mkdtemp()
csv_path = os.path.join(d, "x.csv")
pd.DataFrame(rng.random((400_000, 8))).to_csv(csv_path, index=False)
json_path = os.path.join(d, "x.json")
pd.DataFrame(rng.random((100_000, 8))).to_json(json_path)
blob = os.urandom(300_000_000)
doc = json.dumps([{"a": i, "b": str(i)} for i in range(300_000)])
cases = {
    "control hashlib.sha256 (releases)": lambda: hashlib.sha256(blob).digest(),
    "control json.loads (holds)": lambda: json.loads(doc),
    "PIL Image.resize": lambda: img.resize((3000, 2000), Image.LANCZOS),
    "PIL Image.rotate": lambda: img.rotate(33, resample=Image.BICUBIC),
    "PIL Image.convert('L')": lambda: img.convert("L"),
    "PIL Image.save JPEG": lambda: img.save(io.BytesIO(), "JPEG", quality=90),
    "PIL Image.save PNG": lambda: img.resize((1500, 1000)).save(io.BytesIO(), "PNG"),
    "pandas.read_csv": lambda: pd.read_csv(csv_path),
    "pandas.read_json": lambda: pd.read_json(json_path),
}


def par(fn, n=3):
    best = 0.0
    for _ in range(n):
        ts = [threading.Thread(target=fn) for _ in range(2)]
        c = time.process_time()
        w = time.perf_counter()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        best = max(best, (time.process_time() - c) / (time.perf_counter() - w))
    return best


for name, fn in cases.items():
    fn()
    t = time.perf_counter()
    fn()
    one = time.perf_counter() - t
    print(
        f"{name}: one call {one * 1000:.0f} ms, CPU/wall with two threads {par(fn):.2f}", flush=True
    )
