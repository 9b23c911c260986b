#!/usr/bin/env python3
"""Writes the pandas reference files of test/fixtures/pandas/ and their expected content.

    PYTHONPATH=<pypet source> /usr/bin/python3 scripts/gen-pandas-fixtures.py  # test/fixtures/pandas/
    PYTHONPATH=<pypet source> /usr/bin/python3 scripts/gen-pandas-fixtures.py --example13 DIR

Needs pandas 1.5 and PyTables 3.7 (Debian's python3-pandas, python3-tables) and pypet 0.7's
source. Writes:
- frames.h5 + frames.json: DataFrames and Series written by pandas' HDFStore in the "fixed"
  format (what pypet uses), one per key; the JSON holds each key's content in the tagged form of
  scripts/pypet-view.py, or {"unsupported": why} for the keys h5traj must refuse (a MultiIndex,
  the "table" format, a timezone, a DatetimeIndex with a weekly frequency).
With --example13 (test/pandas, at test time: a pypet file is 300 KB, too big to keep):
- DIR/example13_small.hdf5 + .json: pypet's example 13 (post-processing into a
  DataFrame of firing rates) with a 2 x 2 exploration and a 20 ms simulation,
  so the file stays small; the JSON is pypet's view (pypet-view.py).
"""
import importlib.util
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("pypet_view", os.path.join(HERE, "pypet-view.py"))
view = importlib.util.module_from_spec(spec)
spec.loader.exec_module(view)

OUT = os.path.join(HERE, "..", "test", "fixtures", "pandas")
warnings.simplefilter("ignore")  # pandas' PerformanceWarning for pickled object columns


def frames():
    """Every key of frames.h5: (value, format, expected-unsupported reason or None)."""
    types = pd.DataFrame(
        {
            "i64": np.array([1, -2, 2**53 + 1], dtype="int64"),
            "f64": [1.5, np.nan, -np.inf],
            "b": [True, False, True],
            "s": ["a", "bé", ""],
            "t": pd.to_datetime(["2020-01-01", "2021-06-15 12:00:00.000000001", None]),
            "o": [1, "x", None],
            "f32": np.array([0.1, 2, 3], dtype="float32"),
            "i32": np.array([7, 8, 9], dtype="int32"),
            "u8": np.array([0, 1, 255], dtype="uint8"),
            "of": [2.0, 0.5, float("nan")],
        },
        index=pd.Index(["r1", "r2", "r3"], name="row"),
    )
    types["of"] = types["of"].astype(object)  # whole-number floats in an object column stay floats
    return {
        "frame_types": (types, "fixed", None),
        "frame_range": (pd.DataFrame({"x": [0.5, 1.5], "y": [10, 20]}), "fixed", None),
        # example 13's shape: float row and column labels, object values
        "frame_float_labels": (pd.DataFrame([[34.0, 32.0], [43.0, 39.0]], index=[0.11, 0.12], columns=[5.0, 7.5], dtype=object), "fixed", None),
        "frame_empty": (pd.DataFrame({"a": pd.Series([], dtype="float64")}), "fixed", None),
        "series_float": (pd.Series([1.0, 2.5, np.nan], name="x"), "fixed", None),
        "series_str": (pd.Series(["u", "vé"], index=["a", "b"]), "fixed", None),
        "series_dt": (pd.Series(pd.to_datetime(["1969-12-31 23:59:59.5", "2000-02-29"]), index=pd.to_datetime(["2001-01-01", "2001-01-03"]), name="when"), "fixed", None),
        "series_int_index": (pd.Series([True, False], index=[10, 20], name=3), "fixed", None),
        "multi": (pd.DataFrame({"v": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])), "fixed", "MultiIndex"),
        "table": (pd.DataFrame({"v": [1.0, 2.0]}), "table", "table"),
        "tz": (pd.DataFrame({"t": pd.to_datetime(["2020-01-01"]).tz_localize("Europe/Berlin")}), "fixed", "timezone"),
        "freq": (pd.Series([1.5, 2.5], index=pd.date_range("2020-01-01", periods=2, freq="15T")), "fixed", None),
        "freq_month": (pd.DataFrame({"v": [1, 2]}, index=pd.date_range("2020-01-31", periods=2, freq="M")), "fixed", None),
        "freq_week": (pd.Series([1, 2], index=pd.date_range("2020-01-05", periods=2, freq="W-SUN")), "fixed", "frequency"),
    }


def write_frames():
    """frames.h5: every key, uncompressed (pandas' default; pypet compresses, which example 13's
    file covers). PyTables makes each VLArray (object columns) one chunk of 65536 elements, 1 MB
    of mostly empty space; h5repack re-chunks just those datasets to one element, nothing else."""
    path = os.path.join(OUT, "frames.h5")
    raw = path + ".tmp"
    expected = {}
    with pd.HDFStore(raw, "w") as store:
        for key, (value, fmt, why) in frames().items():
            # index=False: no PyTables index on a "table" frame (it would take 3 MB)
            store.put(key, value, format=fmt, **({"index": False} if fmt == "table" else {}))
            expected[key] = {"unsupported": why} if why else view.tag(value)
    with pd.HDFStore(raw, "r") as store:
        vlarrays = [n._v_pathname.lstrip("/") for n in store._handle.walk_nodes("/", "VLArray")]
    subprocess.run(["h5repack", "-l", ",".join(vlarrays) + ":CHUNK=1", raw, path], check=True)
    os.remove(raw)
    # What pandas reads back is what the JSON says (pandas' own round trip, after the re-chunking).
    with pd.HDFStore(path, "r") as store:
        for key, (value, fmt, why) in frames().items():
            if not why:
                assert view.tag(store.get(key)) == expected[key], key
    dump(expected, "frames.json")


def dump(obj, name):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1, default=repr, allow_nan=False)
        f.write("\n")


def write_example13(out):
    from pypet import Environment, cartesian_product

    sys.path.insert(0, os.environ.get("PYPET_EXAMPLES", "/tmp/ex-pypet/examples"))
    from example_13_post_processing.main import add_parameters, neuron_postproc, run_neuron

    path = os.path.join(out, "example13_small.hdf5")
    env = Environment(trajectory="FiringRate", filename=path, add_time=False, overwrite_file=True, log_config=None,
                      multiproc=False, complevel=9)
    traj = env.trajectory
    add_parameters(traj)
    traj.f_get("duration").f_unlock()
    traj.duration = 20.0
    traj.f_explore(cartesian_product({"neuron.I": [0.5, 1.5], "neuron.tau_ref": [5.0, 7.5]}, ("neuron.tau_ref", "neuron.I")))
    env.add_postprocessing(neuron_postproc)
    env.run(run_neuron)
    env.disable_logging()
    with open(os.path.join(out, "example13_small.json"), "w") as f:
        json.dump(view.manifest(path, "FiringRate"), f, indent=1, default=repr, allow_nan=False)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--example13":
        write_example13(sys.argv[2])
    else:
        write_frames()
