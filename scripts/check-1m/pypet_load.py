"""pypet 0.7 on a big h5traj file (issue 13): open the trajectory with its parameters and no
results, list its runs, then load one run's result by name. Prints one JSON object with the
seconds of each step. Usage: pypet_load.py FILE RUN_NAME RESULT (run with PYTHONPATH=pypet's source)."""
import json
import sys
import time

from pypet import Trajectory

file, run_name, result = sys.argv[1:4]
steps = {}
t0 = time.perf_counter()
traj = Trajectory(filename=file, add_time=False)
traj.f_load(index=-1, load_parameters=2, load_derived_parameters=0, load_results=0, load_other_data=0)
steps["f_load_s"] = time.perf_counter() - t0

t1 = time.perf_counter()
names = traj.f_get_run_names()
steps["f_get_run_names_s"] = time.perf_counter() - t1

t2 = time.perf_counter()
node = traj.f_load_child(f"results.runs.{run_name}.{result}", recursive=True, load_data=2)
steps["f_load_child_s"] = time.perf_counter() - t2
scalars = {k: float(v) for k, v in node.f_to_dict().items() if getattr(v, "shape", ()) == ()}

print(json.dumps({"name": traj.v_name, "n_runs": len(names), "first_run": names[0], "last_run": names[-1],
                  "result": f"{run_name}.{result}", "scalars": scalars, **steps, "total_s": time.perf_counter() - t0}))
