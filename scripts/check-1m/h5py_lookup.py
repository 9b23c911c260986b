"""h5py (libhdf5) opening one run group by name in a big h5traj file (issue 13: ≤ 50 ms), and
reading one value below it. Prints one JSON object. The first look-up in a group stored as a
symbol table loads the group's local heap (every name: ~16 MB for a million runs), so it is timed
apart from a second look-up of another name, and as CPU time beside wall time (the benchmark
machine is shared: wall time there includes waiting for a core and for the disk).
Usage: h5py_lookup.py FILE RUN_GROUP_PATH ITEM"""
import json
import sys
import time

import h5py

file, path, item = sys.argv[1:4]
clock = time.perf_counter
cpu = time.process_time
t0 = clock()
f = h5py.File(file, "r")
t1, c1 = clock(), cpu()
group = f[path]
t2, c2 = clock(), cpu()
value = group[item][()]
t3 = clock()
members = len(group)
parent, _, name = path.rpartition("/")
other = name[:-1] + ("1" if name[-1] != "1" else "2")  # a neighbour run, looked up second
t4, c4 = clock(), cpu()
found = other in f[parent]
t5, c5 = clock(), cpu()
f.close()
print(json.dumps({"open_s": t1 - t0, "lookup_s": t2 - t1, "lookup_cpu_s": c2 - c1, "read_item_s": t3 - t2,
                  "second_lookup_s": t5 - t4, "second_lookup_cpu_s": c5 - c4, "second_found": found,
                  "path": path, "item": item, "value": float(value), "members": members}))
