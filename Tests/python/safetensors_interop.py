#!/usr/bin/env python3
"""Checks that Anneal's safetensors files agree with the reference implementation.

    safetensors_interop.py write PATH   write the known tensors with safetensors.numpy.save_file
    safetensors_interop.py check PATH   verify a file Anneal wrote holds exactly the known tensors
    safetensors_interop.py write-mixed PATH   write tensors of other dtypes, as PyTorch state dicts
                                              hold them (int64 num_batches_tracked, float16, ...)

Run by Tests/AnnealIOTests/SafeTensorsInteropTests.swift; the Swift side uses the same
names, shapes, values and metadata. Exits non-zero, with the reason on stderr, on mismatch.
"""
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def expected():
    f32 = np.float32
    tensors = {
        "weight": (np.arange(6, dtype=f32).reshape(2, 3) * f32(0.5) - f32(1)),
        "bias": np.array([0.1, -2.25, 3.0e38], dtype=f32),
        "scalar": np.array(7.0, dtype=f32),
        "empty": np.zeros((0, 3), dtype=f32),
        "layer1.0.conv1.weight": np.arange(8, dtype=f32).reshape(2, 1, 2, 2) / f32(8),
    }
    metadata = {"format": "pt", "note": 'h\u00e9llo "quoted"'}
    return tensors, metadata


def mixed():
    """Values exactly representable as float32, which is what Anneal reads them as."""
    return {
        "bn.num_batches_tracked": np.array(1875, dtype=np.int64),
        "half": np.array([0.5, -3.0, 1024.0], dtype=np.float16),
        "double": np.array([[1.25, -0.125]], dtype=np.float64),
        "int32": np.array([-7, 65536], dtype=np.int32),
        "bytes": np.array([0, 200, 255], dtype=np.uint8),
        "mask": np.array([True, False], dtype=np.bool_),
    }


def fail(message):
    print(f"safetensors_interop: {message}", file=sys.stderr)
    sys.exit(1)


def check(path):
    tensors, metadata = expected()
    loaded = load_file(path)
    if set(loaded) != set(tensors):
        fail(f"names {sorted(loaded)} != {sorted(tensors)}")
    for name, want in tensors.items():
        got = loaded[name]
        if got.dtype != np.float32:
            fail(f"{name}: dtype {got.dtype}")
        if got.shape != want.shape:
            fail(f"{name}: shape {got.shape} != {want.shape}")
        if not np.array_equal(got, want):
            fail(f"{name}: values {got.ravel().tolist()} != {want.ravel().tolist()}")
    with safe_open(path, framework="numpy") as f:
        if f.metadata() != metadata:
            fail(f"metadata {f.metadata()} != {metadata}")
    with open(path, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
    if length % 8 != 0:
        fail(f"header length {length} is not a multiple of 8")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check", "write-mixed"):
        fail("usage: safetensors_interop.py write|check|write-mixed PATH")
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "write-mixed":
        save_file(mixed(), path)
    elif mode == "write":
        tensors, metadata = expected()
        save_file(tensors, path, metadata=metadata)
    else:
        check(path)


if __name__ == "__main__":
    main()
