"""W1 with raw h5py, the `perrun` floor layout of WORKLOADS.md: `python3 w1_h5py.py N FILE`.
/parameters/{x f8, y i8, mode S5}[N] (chunks min(N, 4096), resizable), then one group
/runs/run_%08d per run with 0-d datasets a, b, c, the dataset arr f8[100] (contiguous) and the
group attribute completed (u8 = 1). The file stays open from start to end, no flush per run. The
clock covers creating the file to closing it, the data generation included (it is the "run").
Prints one JSON line (w_data.report)."""
import os
import time

import h5py
import numpy as np

from w_data import grid, parse_args, report, uniform, w1_scalars

n, path = parse_args("w1_h5py.py N FILE")
if os.path.exists(path):
    os.remove(path)
u100 = np.array(uniform(100))
t0 = time.perf_counter()
with h5py.File(path, "w") as f:
    x, y, mode = grid(n)
    params = f.create_group("parameters")
    chunks = (min(n, 4096),)
    params.create_dataset("x", data=np.array(x, dtype="f8"), chunks=chunks, maxshape=(None,))
    params.create_dataset("y", data=np.array(y, dtype="i8"), chunks=chunks, maxshape=(None,))
    params.create_dataset("mode", data=np.array(mode, dtype="S5"), chunks=chunks, maxshape=(None,))
    runs = f.create_group("runs")
    one = np.uint8(1)
    for i in range(n):
        a, b, c = w1_scalars(i, x[i], y[i])
        g = runs.create_group(f"run_{i:08d}")
        g.create_dataset("a", data=np.float64(a))
        g.create_dataset("b", data=np.float64(b))
        g.create_dataset("c", data=np.float64(c))
        g.create_dataset("arr", data=i + u100)
        g.attrs["completed"] = one
store_s = time.perf_counter() - t0
report("W1", n, "h5py", {"store_s": store_s, "file_bytes": os.path.getsize(path), "h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version})
