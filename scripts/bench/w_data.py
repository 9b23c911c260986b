"""The deterministic data of W1/W2 (WORKLOADS.md beside this file) for the Python peers of
`npm run bench` (raw h5py and pypet 0.7), written once so that every peer stores the numbers
data.mjs gives h5traj, and the one JSON line each peer prints (the shape measure.mjs prints).

Pure Python on purpose (no numpy, no h5py): test/bench/bench-data.test.ts runs it with any
python3 to check its values against data.mjs.

`python3 w_data.py N [RUN...]` prints U[0..4] and the grid values of the given runs as JSON
(what that test compares)."""
import json
import os
import resource
import sys

MODES = ["alpha", "beta", "gamma", "delta"]


def uniform(count):
    """U[k] for k < count: the 32-bit LCG from seed 12345, U[k] = s(k+1) / 2^32 (exact in a double)."""
    out = []
    s = 12345
    for _ in range(count):
        s = (1664525 * s + 1013904223) % 2**32
        out.append(s / 2**32)
    return out


def grid_shape(n):
    """(NX, NY) of the grid for n runs: 4 modes, NY = 10 when n <= 1000 and 25 above, NX = n / (4 NY)."""
    ny = 10 if n <= 1000 else 25
    if n <= 0 or n % (4 * ny) != 0:
        raise ValueError(f"n = {n} does not fit the W1 grid: it must be a positive multiple of {4 * ny}")
    return n // (4 * ny), ny


def x_values(n):
    """The explored values of x (the fastest-varying axis)."""
    nx, _ = grid_shape(n)
    return [0.5 + 0.25 * ix for ix in range(nx)]


def run_params(i, n):
    """(x, y, mode) of run i: pypet's cartesian_product order, mode slowest and x fastest."""
    nx, ny = grid_shape(n)
    return 0.5 + 0.25 * (i % nx), (i // nx) % ny, MODES[i // (nx * ny)]


def grid(n):
    """The explored columns (x, y, mode) of all n runs, in run order."""
    nx, ny = grid_shape(n)
    xs = x_values(n)
    x = xs * (n // nx)
    y = [iy for _ in MODES for iy in range(ny) for _ in range(nx)]
    mode = [m for m in MODES for _ in range(nx * ny)]
    return x, y, mode


def w1_scalars(i, x, y):
    """W1's scalar results of run i: a = x*y, b = x + y/8, c = i/3 (the same doubles as JavaScript's)."""
    return x * y, x + y / 8, i / 3


def report(workload, n, impl, fields):
    """Prints the one JSON line of a measurement: peak RSS of this process and the 1-minute load
    average at the end (the machine is shared; a figure needs its load)."""
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    line = {"workload": workload, "n": n, "impl": impl, **fields,
            "max_rss_mb": round(rss_mb), "load_avg_1m": round(os.getloadavg()[0], 2)}
    print(json.dumps(line), flush=True)


def parse_args(usage):
    """`N FILE` from the command line, or exits with the usage."""
    if len(sys.argv) != 3:
        sys.exit(f"usage: {usage}")
    n = int(sys.argv[1])
    grid_shape(n)
    return n, sys.argv[2]


if __name__ == "__main__":
    n = int(sys.argv[1])
    runs = [int(r) for r in sys.argv[2:]]
    print(json.dumps({"u": uniform(5), "runs": [list(run_params(i, n)) for i in runs],
                      "grid_tail": [list(c[-1:]) for c in grid(n)]}))
