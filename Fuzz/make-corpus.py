"""Writes the seed corpus for the fuzz targets (small valid inputs and edge cases).

Run from the repository root: python3 Fuzz/make-corpus.py (the checkpoint seed is made
with the anneal binary: see the end of this file).
"""
import gzip, json, os, struct, zlib

root = "Fuzz/corpus"

def put(target, name, data):
    os.makedirs(f"{root}/{target}", exist_ok=True)
    with open(f"{root}/{target}/{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# IDX: unsigned bytes, 1-3 dimensions, raw and gzip; a header claiming far more than it holds.
def idx(dims, payload):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload
put("idx", "labels", idx([5], bytes(range(5))))
put("idx", "images", idx([2, 3, 3], bytes(range(18))))
put("idx", "images.gz", gzip.compress(idx([2, 2, 2], bytes(range(8)))))
put("idx", "huge-claim", idx([1000000, 1000000], b"\0" * 4))

# NPY: float32 C order, versions 1 and 2, a scalar, an empty array.
def npy(shape, values, version=1):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (str(tuple(shape)) if len(shape) != 1 else "(%d,)" % shape[0])
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() + struct.pack("<%df" % len(values), *values)
put("npy", "matrix", npy([2, 3], [1, 2, 3, 4, 5, 6]))
put("npy", "vector-v2", npy([4], [0.5, -1, 2, 3], version=2))
put("npy", "scalar", npy([], [7]))
put("npy", "empty", npy([0, 3], []))

# safetensors: F32 and other dtypes, metadata, an empty file header.
def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data
put("safetensors", "f32", safetensors({"weight": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)), "bias": ("F32", [2], struct.pack("<2f", 0, 1))},
                                      {"anneal.model": json.dumps({"name": "mlp", "hidden": [2]})}))
put("safetensors", "mixed", safetensors({"a": ("F16", [2], b"\x00\x3c\x00\x40"), "b": ("I64", [1], struct.pack("<q", 3)),
                                         "c": ("BF16", [1], b"\x80\x3f"), "d": ("BOOL", [2], b"\x01\x00")}))
put("safetensors", "empty", safetensors({}))

# PNG: gray, RGB, RGBA and palette images.
def png(width, height, color_type, bit_depth, rows, palette=None):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    raw = b"".join(b"\0" + row for row in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", palette)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
put("png", "gray", png(3, 2, 0, 8, [bytes([0, 128, 255]), bytes([1, 2, 3])]))
put("png", "rgb", png(2, 2, 2, 8, [bytes(range(6)), bytes(range(6, 12))]))
put("png", "rgba16", png(1, 1, 6, 16, [bytes(range(8))]))
put("png", "palette", png(2, 1, 3, 8, [bytes([0, 1])], palette=bytes([255, 0, 0, 0, 255, 0])))
# Regression: a header claiming 100000×100000 pixels over a few bytes of data.
huge = bytearray(png(2, 2, 0, 8, [bytes([0, 1]), bytes([2, 3])]))
huge[16:24] = struct.pack(">II", 100000, 100000)
huge[29:33] = struct.pack(">I", zlib.crc32(bytes(huge[12:29])) & 0xffffffff)
put("png", "huge-claim", bytes(huge))

# Text grammars.
for i, spec in enumerate(["flip", "flip,crop:4,erase:0.5", "affine:rot=10:shear=5:scale=0.9-1.1:translate=0.05,lens:0.1",
                          "mixup:0.2", "cutmix:1.0", "jitter:0.2,hue:0.1,cutout:8", "rotate:30,stretch:0.1,vflip", ""]):
    put("augment-spec", f"spec-{i}", spec)
for i, spec in enumerate(["lr=log(1e-4,1)", "lr=log(1e-3,0.3),weight-decay=log(1e-5,1e-2)", "dropout=uniform(0,0.6)",
                          "batch-size=choice(64,128,256)", "epochs=int(1,5),schedule=choice(cosine,step)",
                          # Regressions: a 3^20-point grid; int bounds near ±2^63.
                          ",".join(f"d{i}=uniform(0,1)" for i in range(20)), "n=int(-9223372036854775807,9223372036854775807)"]):
    put("search-space", f"space-{i}", spec)
for i, schedule in enumerate([{"name": "cosine", "warmupEpochs": 1}, {"name": "step", "milestones": [2, 3], "gamma": 0.5},
                              {"name": "plateau", "plateauPatience": 1, "monitor": "accuracy"}, {"name": "one-cycle", "pctStart": 0.25},
                              {"name": "cosine-restarts", "firstCycleEpochs": 1, "cycleMultiplier": 2}, {"name": "linear", "scaleWithBatch": True},
                              {"name": "poly", "power": 2, "warmupShape": "exponential"}, {"name": "inverse-sqrt", "warmupEpochs": 0.5}]):
    put("schedule", f"schedule-{i}", json.dumps(schedule))
for i, config in enumerate([{}, {"model": {"name": "cnn"}, "epochs": 2, "data": {"augment": "flip"}},
                            {"model": {"name": "resnet20", "stochasticDepth": 0.2}, "optimizer": {"name": "adamw", "learningRate": 0.001}},
                            {"model": {"name": "mlp", "hidden": [64, 32], "initializer": "xavier", "initGain": 2},
                             "control": {"ema": 0.99, "earlyStopPatience": 3, "checkpointEvery": 10}, "data": {"validationSplit": 0.1}}]):
    put("run-config", f"config-{i}", json.dumps(config))
print("wrote", root)

# The checkpoint seed (Fuzz/corpus/checkpoint/mlp-step2) is a real checkpoint of the run the
# harness rebuilds, written by the anneal binary:
#   ANNEAL_KILL_AT=checkpoint-write:3 anneal train --model mlp --hidden 2 --dropout 0.5 --epochs 2 \
#       --train-subset 256 --batch-size 32 --val-split 0.5 --ema 0.9 --early-stop 2 --checkpoint-every 1 --out DIR --threads 1
#   cp DIR/checkpoint.previous.safetensors Fuzz/corpus/checkpoint/mlp-step2
