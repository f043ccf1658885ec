"""Quick tracking sanity check in Python: a NanoTrack-style tracker (cosine window, scale
penalty, smoothed size) over held-out TRAIN sequences, reporting mean IoU (frames with ground
truth, boxes clipped to the image) and the share of frames with IoU > 0.5.

usage: /usr/bin/python3 src/train/evaluate.py --checkpoint src/train/work/ckpt/best.pt
       /usr/bin/python3 src/train/evaluate.py --engine-tracks DIR   # thresholds from the Java engine's tracks
"""
import argparse
import csv
import json
import math
import os
import sys

import numpy as np
import torch
from PIL import Image

from siamtrack_train.data.crops import context_side, crop, mean_colour
from siamtrack_train.data.sequences import check_not_dev, discover_sequences, held_out
from siamtrack_train.models.checkpoint import load_checkpoint_model
from siamtrack_train.models.siamtracker import cell_points
from siamtrack_train.settings import DEFAULT_DATA, EXEMPLAR, HYPER, TRACK_INSTANCE


def to_tensor(img):
    """PIL RGB crop -> [1,3,H,W] float BGR 0..255 (what the engine feeds)."""
    return torch.from_numpy(np.asarray(img)[:, :, ::-1].copy()).permute(2, 0, 1)[None].float()


def iou(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0.0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0.0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def clip_box(box, w, h):
    x1, y1 = max(0.0, box[0]), max(0.0, box[1])
    x2, y2 = min(float(w), box[0] + box[2]), min(float(h), box[1] + box[3])
    return [x1, y1, max(0.0, x2 - x1), max(0.0, y2 - y1)]


class PyTracker:
    """The engine's tracking loop in Python, searching an `instance` crop (the model card's size)."""

    def __init__(self, model, hyper=None, instance=TRACK_INSTANCE):
        self.model = model.eval()
        self.hyper = dict(HYPER, **(hyper or {}))
        self.instance = instance
        pts = cell_points(instance).numpy()
        hann = np.hanning(len(pts))
        self.window = np.outer(hann, hann).ravel()
        self.px, self.py = np.meshgrid(pts, pts)
        self.px, self.py = self.px.ravel(), self.py.ravel()

    @torch.no_grad()
    def init(self, img, box):
        self.fill = mean_colour(img)
        self.cx, self.cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        self.w, self.h = box[2], box[3]
        s_z = context_side(self.w, self.h)
        self.zf = self.model.backbone(to_tensor(crop(img, self.cx, self.cy, s_z, EXEMPLAR, self.fill)))

    @torch.no_grad()
    def update(self, img):
        hp = self.hyper
        s_z = context_side(self.w, self.h)
        s_x = s_z * self.instance / EXEMPLAR
        scale = self.instance / s_x
        xf = self.model.backbone(to_tensor(crop(img, self.cx, self.cy, s_x, self.instance, self.fill)))
        cls, ltrb = self.model.head(self.zf, xf)
        score = torch.softmax(cls, dim=1)[0, 1].numpy().ravel()
        l, t, r, b = [v.numpy().ravel() for v in ltrb[0]]
        pcx, pcy = self.px + (r - l) / 2, self.py + (b - t) / 2
        pw, ph = l + r, t + b

        def change(x):
            return np.maximum(x, 1.0 / x)

        def sz(w, h):
            pad = (w + h) * 0.5
            return np.sqrt((w + pad) * (h + pad))

        s_c = change(sz(pw, ph) / sz(self.w * scale, self.h * scale))
        r_c = change((self.w / self.h) / (pw / ph))
        penalty = np.exp(-(r_c * s_c - 1) * hp["penalty_k"])
        pscore = penalty * score * (1 - hp["window_influence"]) + self.window * hp["window_influence"]
        k = int(np.argmax(pscore))
        lr = penalty[k] * score[k] * hp["lr"]
        self.cx += pcx[k] / scale
        self.cy += pcy[k] / scale
        self.w = self.w * (1 - lr) + pw[k] / scale * lr
        self.h = self.h * (1 - lr) + ph[k] / scale * lr
        self.cx = min(max(self.cx, 0.0), img.size[0])
        self.cy = min(max(self.cy, 0.0), img.size[1])
        self.w = min(max(self.w, 10.0), img.size[0])
        self.h = min(max(self.h, 10.0), img.size[1])
        return [self.cx - self.w / 2, self.cy - self.h / 2, self.w, self.h], float(score[k])


def evaluate_sequences(model, sequences, hyper=None, max_frames=None):
    tracker = PyTracker(model, hyper)
    per_seq = {}
    all_iou, all_scores = [], []
    for seq in sequences:
        first = next((i for i, b in enumerate(seq.boxes) if np.all(np.isfinite(b))), None)
        if first is None:
            continue
        end = len(seq) if max_frames is None else min(len(seq), first + max_frames)
        tracker.init(Image.open(seq.frames[first]).convert("RGB"), list(seq.boxes[first]))
        ious = []
        for i in range(first + 1, end):
            img = Image.open(seq.frames[i]).convert("RGB")
            box, score = tracker.update(img)
            gt = seq.boxes[i]
            if np.all(np.isfinite(gt)):
                ious.append(iou(clip_box(box, *img.size), clip_box(list(gt), *img.size)))
                all_scores.append(score)
        per_seq[seq.name] = float(np.mean(ious)) if ious else math.nan
        all_iou.extend(ious)
    all_iou = np.array(all_iou)
    return {"mean_iou": float(all_iou.mean()) if len(all_iou) else math.nan,
            "success_0.5": float((all_iou > 0.5).mean()) if len(all_iou) else math.nan,
            "frames": int(len(all_iou)), "sequences": per_seq,
            "frame_iou": all_iou.tolist(), "frame_score": all_scores}


def calibrate_states(frame_iou, frame_score, min_lost=20):
    """Score thresholds for the engine's LOST / UNCERTAIN states from tracked frames.

    lost_threshold separates frames that lost the target (IoU 0) from good ones (IoU > 0.3) with
    the best balanced accuracy; with fewer than `min_lost` lost frames it falls back to the 5th
    percentile of the good frames' scores. uncertain_threshold: 25th percentile of good scores."""
    iou_a, score_a = np.asarray(frame_iou), np.asarray(frame_score)
    good, lost = score_a[iou_a > 0.3], score_a[iou_a == 0]
    if len(good) == 0:
        return None
    if len(lost) >= min_lost:
        candidates = np.unique(np.concatenate([good, lost]))
        balanced = [((lost < t).mean() + (good >= t).mean()) / 2 for t in candidates]
        lost_t = float(candidates[int(np.argmax(balanced))])
    else:
        lost_t = float(np.percentile(good, 5))
    uncertain_t = max(float(np.percentile(good, 25)), lost_t)
    return {"lost_threshold": round(lost_t, 3), "uncertain_threshold": round(uncertain_t, 3),
            "good_frames": int(len(good)), "lost_frames": int(len(lost)),
            "good_below_lost": round(float((good < lost_t).mean()), 3),
            "lost_below_lost": round(float((lost < lost_t).mean()), 3) if len(lost) else None}


def engine_track_scores(tracks_dir, sequences):
    """(IoU, score) of every frame after the first with ground truth, from the Java engine's
    per-frame results (`./siamtrack track SEQ --init ... --out <tracks_dir>/<name>.csv`, header
    frame,id,x,y,w,h,score,state, one target), for the sequences that have a results file."""
    frame_iou, frame_score = [], []
    for seq in sequences:
        path = os.path.join(tracks_dir, seq.name + ".csv")
        if not os.path.isfile(path):
            continue
        with Image.open(seq.frames[0]) as im:
            size = im.size
        with open(path) as f:
            for row in csv.DictReader(f):
                k = int(row["frame"])
                if k == 0 or k >= len(seq) or not np.all(np.isfinite(seq.boxes[k])):
                    continue
                box = [float(row[c]) for c in "xywh"]
                frame_iou.append(iou(clip_box(box, *size), clip_box(list(seq.boxes[k]), *size)))
                frame_score.append(float(row["score"]))
    return frame_iou, frame_score


def main():
    ap = argparse.ArgumentParser(description="Mean IoU of a Python tracker on held-out training sequences, "
                                 "or (--engine-tracks) the LOST / UNCERTAIN thresholds from the Java engine's tracks")
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint")
    source.add_argument("--engine-tracks", metavar="DIR",
                        help="per-sequence CSVs of `./siamtrack track` on the held-out sequences: print the "
                        "state thresholds calibrated on them")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--max-frames", type=int, default=None)
    ap.add_argument("--json", help="write the summary (metrics + state thresholds) here, for export.py")
    args = ap.parse_args()
    torch.set_num_threads(2)
    check_not_dev(args.data)
    _, val = held_out(discover_sequences(args.data))
    if args.engine_tracks:
        frame_iou, frame_score = engine_track_scores(args.engine_tracks, val)
        if not frame_iou:
            print(f"error: no results for the held-out sequences in {args.engine_tracks}", file=sys.stderr)
            sys.exit(2)
        print(json.dumps({"states": calibrate_states(frame_iou, frame_score), "frames": len(frame_iou)}, indent=1))
        return
    model = load_checkpoint_model(args.checkpoint)
    res = evaluate_sequences(model, val, max_frames=args.max_frames)
    summary = {"heldout_train_mean_iou": round(res["mean_iou"], 4),
               "heldout_train_success_0.5": round(res["success_0.5"], 4),
               "heldout_frames": res["frames"],
               "heldout_sequences": {k: round(v, 4) for k, v in res["sequences"].items()},
               "states": calibrate_states(res["frame_iou"], res["frame_score"])}
    print(json.dumps(summary, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
