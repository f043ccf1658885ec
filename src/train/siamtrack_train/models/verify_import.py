"""Prove the trunk import: run the original TF.js graph (pure-JS tfjs in node) and the imported
PyTorch trunk on the same pixels and compare the stride-16 features.

usage: /usr/bin/python3 src/train/verify_import.py [--graph src/train/work/package/models/centernet.json]
Prints one JSON line per input size with the max abs difference; exits 1 if any exceeds --tol.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

from siamtrack_train.models.tfjs_import import import_trunk
from siamtrack_train.settings import DEFAULT_GRAPH, DEFAULT_IMAGES, TFJS_REFERENCE


def test_pixels(size, image_dir):
    """A real photo resized to size x size (RGB, 0..255 floats); random pixels if none is found."""
    if os.path.isdir(image_dir):
        name = sorted(os.listdir(image_dir))[0]
        img = Image.open(os.path.join(image_dir, name)).convert("RGB").resize((size, size), Image.BILINEAR)
        return np.asarray(img, dtype=np.float32)
    return np.random.default_rng(0).uniform(0, 255, (size, size, 3)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", default=DEFAULT_GRAPH)
    ap.add_argument("--images", default=DEFAULT_IMAGES)
    ap.add_argument("--sizes", default="512,255,127")
    ap.add_argument("--tol", type=float, default=1e-2)
    args = ap.parse_args()
    if not os.path.exists(args.graph):
        sys.exit(f"graph not found: {args.graph} (run src/train/fetch_backbone.sh first)")
    trunk, specs, endpoint = import_trunk(args.graph)
    trunk.eval()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            pixels = test_pixels(size, args.images)
            inp, out = os.path.join(tmp, "in.f32"), os.path.join(tmp, "out.f32")
            pixels[None].tofile(inp)
            res = subprocess.run(["node", TFJS_REFERENCE, args.graph,
                                  "tower_0/images", inp, f"1,{size},{size},3", endpoint, out],
                                 capture_output=True, text=True, check=True)
            shape = json.loads(res.stdout.strip().splitlines()[-1])["shape"]
            ref = np.fromfile(out, dtype=np.float32).reshape(shape).transpose(0, 3, 1, 2)
            with torch.no_grad():
                got = trunk(torch.from_numpy(pixels).permute(2, 0, 1)[None]).numpy()
            diff = float(np.abs(got - ref).max())
            worst = max(worst, diff)
            print(json.dumps({"input": size, "endpoint": endpoint, "shape": list(got.shape),
                              "max_abs_diff": diff, "ref_abs_max": float(np.abs(ref).max()),
                              "ref_abs_mean": float(np.abs(ref).mean())}))
    sys.exit(0 if worst < args.tol else 1)


if __name__ == "__main__":
    main()
