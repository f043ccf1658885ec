#!/usr/bin/env python3
"""Re-scores a `siamtrack eval` report independently of the Java code (numpy, pysot's formulas).

Usage: tools/eval_check.py REPORT_DIR DATASET_DIR
For every tracker and OTB-layout sequence of the report it recomputes the success AUC and the precision
at 20 px from results/<label>/<sequence>.txt and the sequence's groundtruth_rect*.txt, and compares them
with summary.json. Exit code 0 when all agree to 1e-6, 1 otherwise.
"""
import json
import re
import sys
from pathlib import Path

import numpy as np


def boxes(path):
    rows = [re.split(r"[,\s]+", line.strip()) for line in path.read_text().splitlines() if line.strip()]
    return np.array([[float(v) for v in row] for row in rows], dtype=np.float64)


def iou(gt, pred):
    left = np.maximum(gt[:, 0], pred[:, 0])
    right = np.minimum(gt[:, 0] + gt[:, 2] - 1, pred[:, 0] + pred[:, 2] - 1)
    top = np.maximum(gt[:, 1], pred[:, 1])
    bottom = np.minimum(gt[:, 1] + gt[:, 3] - 1, pred[:, 1] + pred[:, 3] - 1)
    inter = np.maximum(0, right - left + 1) * np.maximum(0, bottom - top + 1)
    union = gt[:, 2] * gt[:, 3] + pred[:, 2] * pred[:, 3] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.clip(inter / union, 0, 1)
    ratio[~((pred[:, 2] > 0) & (pred[:, 3] > 0))] = 0
    return ratio


def score(gt, pred):
    valid = (gt[:, 2] > 0) & (gt[:, 3] > 0)
    overlaps = np.full(len(gt), -1.0)
    overlaps[valid] = iou(gt[valid], pred[valid])
    auc = np.mean([np.mean(overlaps > t) for t in np.arange(21) / 20])
    centre = lambda b: b[:, :2] + (b[:, 2:4] - 1) / 2
    error = np.full(len(gt), np.inf)
    error[valid] = np.linalg.norm(centre(pred[valid]) - centre(gt[valid]), axis=1)
    error[np.isnan(error)] = np.inf
    return auc, np.mean(error <= 20)


def truth_file(dataset, sequence):
    match = re.fullmatch(r"(.+)-(\d+)", sequence)
    candidates = [dataset / sequence / "groundtruth_rect.txt"]
    if match:
        candidates.append(dataset / match.group(1) / f"groundtruth_rect.{match.group(2)}.txt")
    return next((c for c in candidates if c.is_file()), None)


def main(report, dataset):
    summary = json.loads((report / "summary.json").read_text())
    failures = checked = 0
    for label, tracker in summary["trackers"].items():
        folder = re.sub(r"[^A-Za-z0-9._@+-]", "_", label)
        for sequence, figures in tracker["per_sequence"].items():
            gt_path = truth_file(dataset, sequence)
            if gt_path is None:
                print(f"skip {label}/{sequence}: no OTB ground truth")
                continue
            gt = boxes(gt_path)
            pred = boxes(report / "results" / folder / f"{re.sub(r'[^A-Za-z0-9._@+-]', '_', sequence)}.txt")
            auc, p20 = score(gt[: len(pred)], pred)
            ok = abs(auc - figures["auc"]) < 1e-6 and abs(p20 - figures["precision20"]) < 1e-6
            failures += not ok
            checked += 1
            print(f"{'ok  ' if ok else 'DIFF'} {label:32s} {sequence:16s} AUC {auc:.6f} vs {figures['auc']:.6f}"
                  f"  P@20 {p20:.6f} vs {figures['precision20']:.6f}")
    print(f"{checked - failures}/{checked} sequence scores agree")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
