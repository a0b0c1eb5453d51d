#!/usr/bin/env python3
"""Reads a run directory's TensorBoard event files with TensorBoard's own reader.

    tensorboard_interop.py DIR    print, as JSON, every scalar tag with its (step, value)
                                  pairs, the histogram and image tags with their steps,
                                  and the text and hparams tags

Run by Tests/AnnealRunTests/TensorBoardTests.swift (skipped without the tensorboard package).
"""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "histograms": 0, "images": 0, "tensors": 0})
accumulator.Reload()
tags = accumulator.Tags()
print(json.dumps({
    "scalars": {t: [[e.step, e.value] for e in accumulator.Scalars(t)] for t in tags["scalars"]},
    "histograms": {t: [[e.step, e.histogram_value.num] for e in accumulator.Histograms(t)] for t in tags["histograms"]},
    "images": {t: [[e.step, e.width, e.height] for e in accumulator.Images(t)] for t in tags["images"]},
    "tensors": sorted(tags["tensors"]),
    "plugins": {t: accumulator.SummaryMetadata(t).plugin_data.plugin_name for t in tags["tensors"]},
}))
