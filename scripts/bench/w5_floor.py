"""W5 floor (see WORKLOADS.md beside this file): raw h5py writes what W5 stores (one group per run, a float64[500000] array
arr[k] = k*0.5 + i and a scalar s = i), no compute, fsync at the end. usage: w5_floor.py DIR [RUNS]
Prints one JSON line (w_data.report): {"workload": "W5", "n": RUNS, "impl": "h5py", "store_s": ..., "file_bytes": ..., "max_rss_mb": ..., "load_avg_1m": ...}."""
import os, sys, time
import numpy as np
import h5py
from w_data import report
d = sys.argv[1]; runs = int(sys.argv[2]) if len(sys.argv) > 2 else 400
path = os.path.join(d, "w5floor.hdf5")
base = np.arange(500000, dtype=np.float64) * 0.5
t = time.perf_counter()
with h5py.File(path, "w") as f:
    for i in range(runs):
        g = f.create_group(f"runs/run_{i:08d}")
        g["arr"] = base + i
        g["s"] = i
fd = os.open(path, os.O_RDONLY); os.fsync(fd); os.close(fd)  # durable, as h5traj's commits are
dt = time.perf_counter() - t
size = os.path.getsize(path)
os.remove(path)
report("W5", runs, "h5py", {"store_s": dt, "file_bytes": size})
