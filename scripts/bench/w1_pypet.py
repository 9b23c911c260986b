"""W1 with pypet 0.7 through its Environment, as WORKLOADS.md defines it:
`python3 w1_pypet.py N FILE` (pypet importable: PYTHONPATH=/tmp/ex-pypet, the source checkout).
Environment(trajectory='W1', filename=FILE, overwrite_file=True) with pypet's defaults (its log
files go to logs/ beside FILE and are removed afterwards), the parameters x (0.0), y (0) and
mode ('alpha') explored with cartesian_product(..., ('mode', 'y', 'x')), then env.run(fn), where
fn adds the result `out` (a, b, c, arr; comment 'W1 result'); pypet stores each run's result and
bookkeeping when the run ends, opening and closing the file each time. The clock covers creating
the Environment to the end of env.run. Prints one JSON line (w_data.report)."""
import os
import shutil
import time

import numpy as np
import pypet
from pypet import Environment, cartesian_product

from w_data import MODES, grid_shape, parse_args, report, uniform, w1_scalars

n, path = parse_args("w1_pypet.py N FILE")
path = os.path.abspath(path)
if os.path.exists(path):
    os.remove(path)
os.chdir(os.path.dirname(path))  # pypet's default logging writes to ./logs
nx, ny = grid_shape(n)
u100 = np.array(uniform(100))


def w1_run(traj):
    i = traj.v_idx
    a, b, c = w1_scalars(i, traj.x, int(traj.y))
    traj.f_add_result("out", a=a, b=b, c=c, arr=i + u100, comment="W1 result")


t0 = time.perf_counter()
env = Environment(trajectory="W1", filename=path, overwrite_file=True)
traj = env.trajectory
traj.f_add_parameter("x", 0.0)
traj.f_add_parameter("y", 0)
traj.f_add_parameter("mode", "alpha")
traj.f_explore(cartesian_product({"mode": MODES, "y": list(range(ny)), "x": [0.5 + 0.25 * ix for ix in range(nx)]}, ("mode", "y", "x")))
env.run(w1_run)
store_s = time.perf_counter() - t0
env.disable_logging()
shutil.rmtree(os.path.join(os.path.dirname(path), "logs"), ignore_errors=True)
report("W1", n, "pypet", {"store_s": store_s, "file_bytes": os.path.getsize(path), "pypet": pypet.__version__})
