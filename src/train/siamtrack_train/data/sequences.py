"""Training sequences and still images on disk: the OTB, GOT-10k and still-image readers, the guard that
keeps the dev set out of training, and the validation split (validation.txt)."""
import csv
import glob
import math
import os

import numpy as np

from siamtrack_train.settings import VALIDATION_FILE


def parse_box_lines(text):
    """Rows of x,y,w,h separated by commas, tabs or spaces; NaN/empty rows become NaN."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace("\t", " ").split()
        try:
            values = [float(p) for p in parts[:4]]
        except ValueError:
            values = [math.nan] * 4
        rows.append(values if len(values) == 4 else [math.nan] * 4)
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


class Sequence:
    """A tracked object through frames: frame paths and boxes [N,4] (x,y,w,h; NaN = absent)."""

    def __init__(self, name, frames, boxes):
        if len(frames) != len(boxes):
            raise ValueError(f"{name}: {len(frames)} frames but {len(boxes)} boxes")
        self.name, self.frames, self.boxes = name, frames, boxes

    def __len__(self):
        return len(self.frames)


def read_otb(seq_dir):
    """OTB layout: <seq>/img/*.jpg + groundtruth_rect.txt (NaN rows = absent)."""
    frames = sorted(glob.glob(os.path.join(seq_dir, "img", "*.jpg")))
    with open(os.path.join(seq_dir, "groundtruth_rect.txt")) as f:
        boxes = parse_box_lines(f.read())
    return Sequence(os.path.basename(seq_dir.rstrip("/")), frames, boxes)


def read_got10k(seq_dir):
    """GOT-10k layout: <seq>/*.jpg + groundtruth.txt + absence.label (1 = target absent)."""
    frames = sorted(glob.glob(os.path.join(seq_dir, "*.jpg")))
    with open(os.path.join(seq_dir, "groundtruth.txt")) as f:
        boxes = parse_box_lines(f.read())
    absence = os.path.join(seq_dir, "absence.label")
    if os.path.exists(absence):
        with open(absence) as f:
            flags = [int(float(t)) for t in f.read().split()]
        for i, flag in enumerate(flags[:len(boxes)]):
            if flag:
                boxes[i] = math.nan
    return Sequence(os.path.basename(seq_dir.rstrip("/")), frames, boxes)


def discover_sequences(root):
    """All OTB- or GOT-10k-layout sequences directly under `root`, sorted by name."""
    seqs = []
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if os.path.exists(os.path.join(d, "groundtruth_rect.txt")) and os.path.isdir(os.path.join(d, "img")):
            seqs.append(read_otb(d))
        elif os.path.exists(os.path.join(d, "groundtruth.txt")):
            seqs.append(read_got10k(d))
    return seqs


def read_static(static_dir):
    """static/images + static/boxes.csv (image,x,y,w,h,label) -> {image path: [(x,y,w,h,label)]}."""
    images = {}
    with open(os.path.join(static_dir, "boxes.csv"), newline="") as f:
        for row in csv.DictReader(f):
            path = os.path.join(static_dir, "images", row["image"])
            box = (float(row["x"]), float(row["y"]), float(row["w"]), float(row["h"]), row["label"])
            images.setdefault(path, []).append(box)
    return images


def check_not_dev(path):
    """The dev set is held out for evaluation: refuse to train on it."""
    parts = os.path.normpath(os.path.abspath(path)).split(os.sep)
    if "dev" in parts:
        raise ValueError(f"refusing to train on the held-out dev set: {path}")



def validation_names(path=VALIDATION_FILE):
    """The validation split (whole videos no training run sees), as written in validation.txt."""
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def held_out(sequences, names=None):
    """Splits training sequences into (train, validation) by the validation file's names."""
    names = validation_names() if names is None else names
    val = [s for s in sequences if s.name in names]
    train = [s for s in sequences if s.name not in names]
    return train, val
