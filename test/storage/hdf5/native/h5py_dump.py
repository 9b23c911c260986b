"""Prints, as JSON, everything h5py sees in an HDF5 file: every link, group, dataset and attribute.

Used by writer.test.ts to check files the native writer produced against an independent reader
(Debian's h5py on HDF5 1.10). Numbers that JSON cannot carry exactly become strings: NaN and the
infinities, and integers beyond 2^53.
"""
import json
import math
import sys

import h5py
import numpy as np


def conv(v):
    if isinstance(v, h5py.Empty):
        return None
    if isinstance(v, np.ndarray):
        return [conv(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return 'NaN'
        if math.isinf(v):
            return 'Infinity' if v > 0 else '-Infinity'
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else str(v)
    if isinstance(v, bytes):
        return {'bytes': v.decode('utf-8')}
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    return v


def dtype(d):
    s = h5py.check_string_dtype(d)
    if s is not None:
        return {'string': s.encoding, 'length': s.length}
    e = h5py.check_enum_dtype(d)
    if e is not None:
        return {'enum': {k: int(v) for k, v in e.items()}, 'base': d.str}
    if d.names:
        return {'compound': [[n, dtype(d.fields[n][0]), d.fields[n][1]] for n in d.names], 'size': d.itemsize}
    if d.subdtype is not None:
        return {'array': dtype(d.subdtype[0]), 'shape': list(d.subdtype[1])}
    return d.str


def h5type(tid):
    info = {'class': tid.get_class(), 'size': tid.get_size()}
    if tid.get_class() == h5py.h5t.STRING:
        info['vlen'] = bool(tid.is_variable_str())
        info['cset'] = tid.get_cset()
        info['pad'] = tid.get_strpad()
    return info


def attrs(obj):
    out = {}
    for name in obj.attrs:
        aid = obj.attrs.get_id(name)
        out[name] = {'dtype': dtype(aid.dtype), 'h5type': h5type(aid.get_type()), 'shape': aid.shape,
                     'value': conv(obj.attrs[name])}
    return out


f = h5py.File(sys.argv[1], 'r')
items = {}
addresses = {}


def walk(group, path):
    items[path or '/'] = {'kind': 'group', 'attrs': attrs(group), 'links': list(group.keys())}
    for name in group:
        full = f'{path}/{name}'
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.SoftLink):
            items[full] = {'kind': 'soft', 'target': link.path}
            continue
        if isinstance(link, h5py.ExternalLink):
            items[full] = {'kind': 'external', 'file': link.filename, 'path': link.path}
            continue
        obj = group[name]
        addr = h5py.h5o.get_info(obj.id).addr
        if addr in addresses:
            items[full] = {'kind': 'hardlink', 'to': addresses[addr]}
            continue
        addresses[addr] = full
        if isinstance(obj, h5py.Group):
            walk(obj, full)
        else:
            value = obj[()]
            items[full] = {
                'kind': 'dataset', 'attrs': attrs(obj), 'dtype': dtype(obj.dtype), 'h5type': h5type(obj.id.get_type()),
                'shape': obj.shape, 'maxshape': obj.maxshape, 'chunks': obj.chunks, 'compression': obj.compression,
                # (h5py 3.7 crashes reading the fill value of a variable-length type)
                'fillvalue': conv(obj.fillvalue) if obj.dtype.names is None and obj.dtype.kind != 'O' else None,
                'value': conv(value),
            }


walk(f, '')
json.dump(items, sys.stdout)
