#!/usr/bin/env python3
"""Transfer-learning interop: PyTorch-named state dicts and scikit-learn's liblinear.

    transfer_interop.py write-cnn PATH CLASSES   write a state dict shaped like Anneal's cnn (PyTorch's
                                                 names and dtypes: int64 num_batches_tracked) with a head
                                                 of CLASSES outputs, as safetensors.torch.save_file would
    transfer_interop.py sklearn PATH             fit scikit-learn's LogisticRegression(solver="liblinear")
                                                 and LinearSVC on a fixed small problem; write the problem
                                                 and their coefficients as JSON

Run by Tests/AnnealTrainTests/TransferTests.swift and scripts/cli-tests.sh.
"""
import json
import sys

import numpy as np


def write_cnn(path, classes):
    from safetensors.numpy import save_file
    rng = np.random.default_rng(0)
    f32 = np.float32
    tensors = {}

    def bn(prefix, channels):
        tensors[f"{prefix}.weight"] = np.ones(channels, f32)
        tensors[f"{prefix}.bias"] = np.zeros(channels, f32)
        tensors[f"{prefix}.running_mean"] = np.zeros(channels, f32)
        tensors[f"{prefix}.running_var"] = np.ones(channels, f32)
        tensors[f"{prefix}.num_batches_tracked"] = np.array(100, np.int64)

    tensors["0.weight"] = rng.normal(0, 0.3, (32, 1, 3, 3)).astype(f32)
    bn("1", 32)
    tensors["4.weight"] = rng.normal(0, 0.05, (64, 32, 3, 3)).astype(f32)
    bn("5", 64)
    tensors["9.weight"] = rng.normal(0, 0.02, (128, 64 * 7 * 7)).astype(f32)
    tensors["9.bias"] = np.zeros(128, f32)
    tensors["12.weight"] = rng.normal(0, 0.1, (classes, 128)).astype(f32)
    tensors["12.bias"] = np.zeros(classes, f32)
    save_file(tensors, path, metadata={"format": "pt"})


def problem():
    """30 points in 4 dimensions, 3 overlapping classes, no randomness."""
    i = np.arange(30, dtype=np.float64)
    y = (i % 3).astype(int)
    x = np.stack([np.sin(1.3 * i) + y, np.cos(0.7 * i) - 0.5 * y, 0.1 * (i % 7), np.sin(i) * np.cos(2 * i) + 0.3 * y], axis=1)
    return x, y


def sklearn(path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.svm import LinearSVC
    x, y = problem()
    out = {"x": x.tolist(), "y": y.tolist()}
    # One class against the rest, as liblinear itself does with several classes
    # (newer scikit-learn refuses multiclass liblinear logistic regression without the wrapper).
    for name, model in [
        ("logistic", LogisticRegression(solver="liblinear", C=0.5, tol=1e-10, max_iter=10000, intercept_scaling=1)),
        ("svm", LinearSVC(C=0.5, loss="squared_hinge", dual=True, tol=1e-10, max_iter=100000, intercept_scaling=1)),
    ]:
        fitted = OneVsRestClassifier(model).fit(x, y).estimators_
        out[name] = {"coef": [e.coef_[0].tolist() for e in fitted], "intercept": [float(e.intercept_[0]) for e in fitted]}
    with open(path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write-cnn":
        write_cnn(sys.argv[2], int(sys.argv[3]))
    elif command == "sklearn":
        sklearn(sys.argv[2])
    else:
        sys.exit(f"unknown command {command}")
