"""W5 floor (see WORKLOADS.md beside this file): raw h5py writes what W5 stores (one group per run, a float64[500000] array
arr[k] = k*0.5 + i and a scalar s = i), no compute, fsync at the end. usage: w5_floor.py DIR [RUNS]
Prints one JSON line: {"workload": "W5floor", "runs": R, "store_s": ..., "file_bytes": ...}."""
import json, os, sys, time
import numpy as np
import h5py
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
print(json.dumps({"workload": "W5floor", "runs": runs, "store_s": dt, "file_bytes": os.path.getsize(path)}))
os.remove(path)
