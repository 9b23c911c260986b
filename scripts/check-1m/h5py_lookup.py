"""h5py (libhdf5) opening one run group by name in a big h5traj file (issue 13: ≤ 50 ms), and
reading one value below it. Prints one JSON object. Usage: h5py_lookup.py FILE RUN_GROUP_PATH ITEM"""
import json
import sys
import time

import h5py

file, path, item = sys.argv[1:4]
t0 = time.perf_counter()
f = h5py.File(file, "r")
t1 = time.perf_counter()
group = f[path]
t2 = time.perf_counter()
value = group[item][()]
t3 = time.perf_counter()
members = len(group)
f.close()
print(json.dumps({"open_s": t1 - t0, "lookup_s": t2 - t1, "read_item_s": t3 - t2, "path": path,
                  "item": item, "value": float(value), "members": members}))
