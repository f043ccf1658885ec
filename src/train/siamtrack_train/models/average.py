"""Averages the weights of a fine-tuned model with those of the model it was fine-tuned from (WiSE-FT,
Wortsman et al., "Robust fine-tuning of zero-shot models", CVPR 2022): fine-tuning on our few training
videos adapts the weights to their footage; halfway between the two, the model keeps what it had learnt
from the far larger data it started from and gains from ours. Both folders must hold the same graphs (the
fine-tuned one written by distill.py from the other); the card is the fine-tuned one's, with the average
recorded in its provenance.

    /usr/bin/python3 average.py --start MODEL_DIR --tuned MODEL_DIR --out MODEL_DIR
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

GRAPHS = ("backbone.onnx", "head.onnx")


def average(start, tuned, out, share=0.5):
    """Writes to `out` the graphs of `tuned` with each float weight (1 - share) * start's + share * tuned's."""
    if not 0 <= share <= 1:
        raise ValueError(f"--tuned-share {share}: must be from 0 to 1")
    models = []
    for graph in GRAPHS:
        a = onnx.load(os.path.join(start, graph))
        b = onnx.load(os.path.join(tuned, graph))
        weights = {i.name: numpy_helper.to_array(i) for i in a.graph.initializer}
        for init in b.graph.initializer:
            w = numpy_helper.to_array(init)
            if init.name not in weights or weights[init.name].shape != w.shape:
                raise ValueError(f"{graph}: weight {init.name} is not in {start} with the same shape: "
                                 "--tuned must be a fine-tuning of --start")
            if w.dtype.kind == "f":
                mixed = (1 - share) * weights[init.name] + share * w
                init.CopyFrom(numpy_helper.from_array(mixed.astype(w.dtype), init.name))
        models.append(b)
    with open(os.path.join(tuned, "model.json")) as f:
        card = json.load(f)
    with open(os.path.join(start, "model.json")) as f:
        start_provenance = json.load(f).get("provenance", {})
    card["name"] = os.path.basename(os.path.normpath(out))
    card.setdefault("provenance", {})["weight_average"] = {
        "start": start_provenance.get("surgery", start_provenance),
        "tuned_share": share,
        "rule": "each weight (1 - tuned_share) x the starting model's + tuned_share x the fine-tuned one's "
                "(WiSE-FT); src/train/average.py"}
    os.makedirs(out, exist_ok=True)
    for graph, model in zip(GRAPHS, models):
        onnx.save(model, os.path.join(out, graph))
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--start", required=True, help="the model fine-tuning started from")
    ap.add_argument("--tuned", required=True, help="the fine-tuned model (distill.py's output)")
    ap.add_argument("--out", required=True, help="model folder to write")
    ap.add_argument("--tuned-share", type=float, default=0.5, help="weight of the fine-tuned model (default 0.5)")
    args = ap.parse_args()
    try:
        average(args.start, args.tuned, args.out, args.tuned_share)
    except (ValueError, OSError) as e:
        sys.exit(f"average: {e}")
    return 0
