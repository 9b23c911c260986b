"""W2 with pypet 0.7 on w1_pypet.py's file, as WORKLOADS.md defines it:
`python3 w2_pypet.py N FILE` (PYTHONPATH=/tmp/ex-pypet).
1. open + skeleton: Trajectory(filename=FILE).f_load(index=-1, load_parameters=2,
   load_derived_parameters=1, load_results=1);
2. collect: nodes = traj.f_get_from_runs('out', fast_access=False), then
   traj.f_load_items(list(nodes.values()), load_only=['a']), then each node's f_get('a') into one
   float64[N] array in run order, checked against x*y.
Prints one JSON line (w_data.report) with open_skeleton_s, collect_s, total_s and correct."""
import os
import time

import numpy as np
import pypet
from pypet import Trajectory

from w_data import parse_args, report

n, path = parse_args("w2_pypet.py N FILE")
t0 = time.perf_counter()
traj = Trajectory(filename=path)
traj.f_load(index=-1, load_parameters=2, load_derived_parameters=1, load_results=1)
t1 = time.perf_counter()
nodes = traj.f_get_from_runs("out", fast_access=False)
traj.f_load_items(list(nodes.values()), load_only=["a"])
a = np.array([node.f_get("a") for node in nodes.values()], dtype=np.float64)
t2 = time.perf_counter()
x = np.asarray(traj.f_get("x").f_get_range(), dtype=np.float64)
y = np.asarray(traj.f_get("y").f_get_range())
correct = len(a) == n and bool(np.array_equal(a, x * y))
report("W2", n, "pypet", {"open_skeleton_s": t1 - t0, "collect_s": t2 - t1, "total_s": t2 - t0,
                           "correct": correct, "file_bytes": os.path.getsize(path), "pypet": pypet.__version__})
