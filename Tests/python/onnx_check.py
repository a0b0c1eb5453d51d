"""Checks an ONNX file Anneal exported against Anneal's own scores.

    onnx_check.py MODEL.onnx IMAGES.npy SCORES.npy

IMAGES: float32 [N, C, H, W] raw pixels in an .npy, or an IDX image file (such as
Fashion-MNIST's t10k-images-idx3-ubyte.gz, read as [N, 1, H, W] / 255); SCORES:
what Anneal gave for them (`anneal predict`'s .npy). Runs onnx.checker (full check), ONNX Runtime on every image and
onnx.reference on the first 32, and prints one JSON object: the largest absolute
difference of each against Anneal, relative to the largest |score|, and the images
whose top-1 class differs.
"""
import gzip
import json
import sys

import numpy as np
import onnx
import onnx.reference
import onnxruntime


def load_images(path: str) -> np.ndarray:
    if path.endswith(".npy"):
        return np.load(path).astype(np.float32)
    data = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
    count, height, width = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16, count=count * height * width)
    return (pixels.reshape(count, 1, height, width) / np.float32(255)).astype(np.float32)


def main() -> None:
    path, images_path, scores_path = sys.argv[1:4]
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    images = load_images(images_path)
    expected = np.load(scores_path).astype(np.float32)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    runtime = session.run(["scores"], {"images": images})[0]
    reference = onnx.reference.ReferenceEvaluator(model).run(["scores"], {"images": images[:32]})[0]
    scale = float(np.abs(expected).max()) or 1.0
    tolerance = 1e-4 * scale
    top_expected, top_runtime = expected.argmax(1), runtime.argmax(1)
    ordered = np.sort(expected, axis=1)
    close = (ordered[:, -1] - ordered[:, -2]) <= tolerance
    differing = np.nonzero(top_expected != top_runtime)[0]
    print(json.dumps({
        "images": int(images.shape[0]),
        "shape": list(runtime.shape),
        "max_abs_difference": float(np.abs(runtime - expected).max()),
        "relative_difference": float(np.abs(runtime - expected).max()) / scale,
        "reference_relative_difference": float(np.abs(reference - runtime[:32]).max()) / scale,
        "top1_differences": int(differing.size),
        "top1_differences_not_near_ties": int((~close[differing]).sum()),
        "near_ties": int(close.sum()),
        "metadata": {p.key: p.value for p in model.metadata_props},
        "opset": int(model.opset_import[0].version),
    }))


if __name__ == "__main__":
    main()
