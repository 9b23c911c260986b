#!/usr/bin/env python3
"""pypet's view of an HDF5 file, in the manifest format of test/fixtures/pypet/README.md, or
the differences between it and h5traj's own dump of the same file.

    PYTHONPATH=<pypet source> python3 scripts/pypet-view.py FILE TRAJ            # pypet's manifest
    PYTHONPATH=<pypet source> python3 scripts/pypet-view.py FILE TRAJ DUMP.json  # differences
    PYTHONPATH=<pypet source> python3 scripts/pypet-view.py --batch SPEC.json    # many, one pypet import

DUMP.json is `h5traj dump FILE --trajectory TRAJ --json`. pypet loads with a plain
`Trajectory(filename=FILE).f_load(name=TRAJ, load_all=2)`, as a pypet user would: a file whose
recorded pypet/Python versions differ from the running ones is refused (add --force to load it
anyway, as the reference manifests were made). SPEC.json is a list of {"file", "trajectory",
"dump", optional "dynamic_imports" (pypet's: "module.Class" strings), "sys_path" (folders to
import them from), "force"}; the batch prints one result per entry (leaves, groups, differences,
or the error pypet raised). Needs pypet 0.7 (its source from GitHub) with Debian's python3-tables
and python3-pandas. Exit status 1 when the views differ (not in batch mode).
"""
import json
import math
import sys

import numpy as np
import pandas as pd
from pypet import Trajectory


def tag(v):
    """A value as a tagged manifest value (the subset of types pypet's basic leaves hold)."""
    if v is None:
        return {"type": "NoneType", "value": None}
    if isinstance(v, (pd.DataFrame, pd.Series)):
        return tag_pandas(v)
    if isinstance(v, np.ndarray):
        return {"type": "ndarray", "dtype": str(v.dtype), "shape": list(v.shape), "value": clean(v.tolist())}  # complex as [re, im]
    if isinstance(v, np.generic):
        name = "numpy." + type(v).__name__
        if isinstance(v, np.complexfloating):
            return {"type": name, "value": [clean(float(v.real)), clean(float(v.imag))]}
        return {"type": name, "value": clean(v.item())}
    if isinstance(v, bool) or isinstance(v, int) or isinstance(v, str):
        return {"type": type(v).__name__, "value": v}
    if isinstance(v, float):
        return {"type": "float", "value": clean(v)}
    if isinstance(v, bytes):
        return {"type": "bytes", "value_hex": v.hex()}
    if isinstance(v, complex):
        return {"type": "complex", "value": [clean(v.real), clean(v.imag)]}
    if isinstance(v, (list, tuple)):
        return {"type": type(v).__name__, "items": [tag(x) for x in v]}
    if isinstance(v, dict):
        return {"type": "dict", "items": {k: tag(x) for k, x in v.items()}}
    return {"type": "object:" + type(v).__module__ + "." + type(v).__name__, "repr": repr(v)}


def pandas_values(values):
    """A column's values by dtype, as h5traj's dump writes them (src/storage/hdf5/layout/pandas-manifest.ts)."""
    values = np.asarray(values)
    if values.dtype.kind == "M":
        return [str(x) for x in np.datetime_as_string(values.astype("M8[ns]"), unit="ns")]
    if values.dtype == object:
        return [tag(x) for x in values.tolist()]
    return clean(values.tolist())


def pandas_axis(ix):
    out = {"name": ix.name, "dtype": str(ix.dtype), "values": pandas_values(ix.values)}
    if getattr(ix, "freq", None) is not None:
        out["freq"] = ix.freqstr
    return out


def tag_pandas(v):
    """A DataFrame or Series: its axes, and each column's dtype and values."""
    if isinstance(v, pd.Series):
        return {"type": "pandas.Series", "name": v.name, "index": pandas_axis(v.index), "dtype": str(v.dtype),
                "values": pandas_values(v.values)}
    return {"type": "pandas.DataFrame", "index": pandas_axis(v.index), "columns": pandas_axis(v.columns),
            "data": [{"dtype": str(v.iloc[:, i].dtype), "values": pandas_values(v.iloc[:, i].values)} for i in range(v.shape[1])]}


def clean(x):
    if isinstance(x, complex):
        return [clean(x.real), clean(x.imag)]
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    if isinstance(x, list):
        return [clean(y) for y in x]
    return x


def manifest(filename, name, force=False, dynamic_imports=None):
    traj = Trajectory(filename=filename, dynamic_imports=dynamic_imports)
    traj.f_load(name=name, load_all=2, force=force)
    leaves, groups = [], []
    for node in traj.f_iter_nodes(recursive=True, with_links=False):
        ann = {k: tag(v) for k, v in node.v_annotations.f_to_dict().items()}
        if not node.v_is_leaf:
            groups.append({"full_name": node.v_full_name, "class_name": node.f_get_class_name(), "comment": node.v_comment, "annotations": ann})
            continue
        entry = {"full_name": node.v_full_name, "class_name": node.f_get_class_name(), "comment": node.v_comment, "annotations": ann}
        if node.v_is_parameter:
            entry["value"] = tag(node.f_get()) if not node.f_is_empty() else None
            if node.v_explored:
                entry["explored_range"] = [tag(x) for x in node.f_get_range()]
        else:
            entry["items"] = {k: tag(v) for k, v in node.f_to_dict().items()}
        leaves.append(entry)
    return {
        "trajectory": {"name": traj.v_name, "comment": traj.v_comment, "length": len(traj),
                       "annotations": {k: tag(v) for k, v in traj.v_annotations.f_to_dict().items()}},
        "explored_parameters": sorted(traj.f_get_explored_parameters()),
        "run_names": list(traj.f_get_run_names()),
        "groups": sorted(groups, key=lambda g: g["full_name"]),
        "leaves": sorted(leaves, key=lambda l: l["full_name"]),
    }


def differences(pypet, ours):
    out = []
    for key in ("name", "comment", "length", "annotations"):
        if pypet["trajectory"][key] != ours["trajectory"][key]:
            out.append(f"trajectory {key}: pypet {pypet['trajectory'][key]!r}, h5traj {ours['trajectory'][key]!r}")
    for key in ("explored_parameters", "run_names"):
        if sorted(pypet[key]) != sorted(ours[key]):
            out.append(f"{key}: pypet {pypet[key]!r}, h5traj {ours[key]!r}")
    for kind, what in (("groups", "group"), ("leaves", "leaf")):
        theirs = {n["full_name"]: n for n in pypet[kind]}
        mine = {n["full_name"]: n for n in ours[kind]}
        for missing in sorted(set(theirs) - set(mine)):
            out.append(f"{what} {missing}: only in pypet's view")
        for extra in sorted(set(mine) - set(theirs)):
            out.append(f"{what} {extra}: only in h5traj's dump")
        for name in sorted(set(theirs) & set(mine)):
            for field in ("class_name", "comment", "annotations", "value", "explored_range", "items"):
                a, b = theirs[name].get(field), mine[name].get(field)
                if field in theirs[name] and a != b:
                    out.append(f"{name} {field}: pypet {json.dumps(a, default=repr)[:200]}, h5traj {json.dumps(b, default=repr)[:200]}")
    return out


def batch(spec_file):
    with open(spec_file) as f:
        spec = json.load(f)
    results = []
    for entry in spec:
        sys.path[:0] = [p for p in entry.get("sys_path", []) if p not in sys.path]
        result = {"file": entry["file"], "trajectory": entry["trajectory"]}
        try:
            view = manifest(entry["file"], entry["trajectory"], entry.get("force", False), entry.get("dynamic_imports"))
            with open(entry["dump"]) as f:
                dump = json.load(f)
            result.update(leaves=len(view["leaves"]), groups=len(view["groups"]), differences=differences(view, dump))
        except Exception as e:  # reported per entry: one file pypet cannot load must not hide the others
            result["error"] = f"{type(e).__name__}: {e}"
        results.append(result)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--force"]
    if args and args[0] == "--batch":
        batch(args[1])
        sys.exit(0)
    view = manifest(args[0], args[1], force="--force" in sys.argv)
    if len(args) < 3:
        print(json.dumps(view, indent=1, default=repr))
        sys.exit(0)
    with open(args[2]) as f:
        dump = json.load(f)
    diffs = differences(view, dump)
    print(json.dumps({"leaves": len(view["leaves"]), "groups": len(view["groups"]), "differences": diffs}, indent=1))
    sys.exit(1 if diffs else 0)
