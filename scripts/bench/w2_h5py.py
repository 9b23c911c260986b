"""W2 with raw h5py on w1_h5py.py's file (WORKLOADS.md): `python3 w2_h5py.py N FILE`.
1. open + skeleton: open the file, read every parameter's values and list every run group's
   children and attribute names (no result data read);
2. collect: read `a` of every run, in run order, into one float64[N] array, and check that it
   equals x*y.
Prints one JSON line (w_data.report) with open_skeleton_s, collect_s, total_s and correct."""
import os
import time

import h5py
import numpy as np

from w_data import parse_args, report

n, path = parse_args("w2_h5py.py N FILE")
t0 = time.perf_counter()
f = h5py.File(path, "r")
params = {name: f["parameters"][name][()] for name in f["parameters"]}
skeleton = {}
for name, g in f["runs"].items():
    skeleton[name] = (list(g.keys()), list(g.attrs.keys()))
t1 = time.perf_counter()
a = np.empty(n)
runs = f["runs"]
for i in range(n):
    a[i] = runs[f"run_{i:08d}/a"][()]
t2 = time.perf_counter()
f.close()
x, y = params["x"], params["y"]
correct = len(skeleton) == n and all(k == ["a", "arr", "b", "c"] for k, _ in skeleton.values()) and bool(np.array_equal(a, x * y))
report("W2", n, "h5py", {"open_skeleton_s": t1 - t0, "collect_s": t2 - t1, "total_s": t2 - t0,
                          "correct": correct, "file_bytes": os.path.getsize(path), "h5py": h5py.__version__})
