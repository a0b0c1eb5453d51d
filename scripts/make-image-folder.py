#!/usr/bin/env python3
"""Writes an image folder (ROOT/train/CLASS/*.png|jpg and ROOT/test/CLASS/...) of
Fashion-MNIST items drawn in colour: each class gets its own tint, each image a
random brightness, on a coloured background, resized to SIZE×SIZE. For tests and
benchmarks of `--data imagefolder:ROOT`; needs numpy and Pillow."""
import argparse, gzip, os
import numpy as np
from PIL import Image

def idx(path):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("root")
    p.add_argument("--classes", type=int, default=3, help="the first K Fashion-MNIST classes")
    p.add_argument("--train", type=int, default=100, help="training images per class")
    p.add_argument("--test", type=int, default=30, help="test images per class (0: no test folder)")
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--formats", default="png,jpg", help="file types, used in turn")
    p.add_argument("--fashion-mnist", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--same-tint", action="store_true", help="one tint for every class, so that colour does not give the class away")
    p.add_argument("--keep", action="append", default=[], metavar="CLASS=FRACTION",
                   help="keep only this fraction of a class's training images (an imbalanced set; repeatable)")
    a = p.parse_args()
    keep = {int(c): float(f) for c, f in (item.split("=") for item in a.keep)}
    rng = np.random.default_rng(a.seed)
    formats = a.formats.split(",")
    tints = np.array([[255, 80, 40], [40, 200, 80], [60, 90, 255], [230, 200, 30], [200, 50, 220],
                      [30, 210, 220], [250, 140, 0], [120, 60, 20], [150, 150, 150], [255, 120, 160]], np.float32)
    written = 0
    for split, prefix, per_class in (("train", "train", a.train), ("test", "t10k", a.test)):
        if per_class == 0:
            continue
        images = idx(f"{a.fashion_mnist}/{prefix}-images-idx3-ubyte.gz")
        labels = idx(f"{a.fashion_mnist}/{prefix}-labels-idx1-ubyte.gz")
        for c in range(a.classes):
            folder = os.path.join(a.root, split, f"class-{c}")
            os.makedirs(folder, exist_ok=True)
            chosen = np.flatnonzero(labels == c)
            count = max(1, round(per_class * keep.get(c, 1))) if split == "train" else per_class
            for i in range(count):
                grey = images[chosen[i % len(chosen)]].astype(np.float32) / 255
                background = rng.uniform(0, 90, 3).astype(np.float32)
                tint = tints[0 if a.same_tint else c % len(tints)] * rng.uniform(0.7, 1.0)
                rgb = background * (1 - grey[..., None]) + tint * grey[..., None]
                picture = Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB").resize((a.size, a.size), Image.BILINEAR)
                kind = formats[i % len(formats)]
                picture.save(os.path.join(folder, f"{i:06d}.{kind}"), quality=95) if kind == "jpg" else picture.save(os.path.join(folder, f"{i:06d}.{kind}"))
                written += 1
    print(f"wrote {written} images under {a.root}")

if __name__ == "__main__":
    main()
