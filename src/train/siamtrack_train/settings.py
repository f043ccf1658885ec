"""Every setting of the training code in one place: where things are on disk, the crop geometry the engine
uses, the tracker's default post-processing, and the defaults of a training and a distillation run (with
`load_config`, which applies a run's overrides to them).

Imports nothing from the package: every other module may read it.
"""
import copy
import json
import os

# ---------------------------------------------------------------- locations

TRAIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # src/train
REPO_ROOT = os.path.dirname(os.path.dirname(TRAIN_DIR))
WORK_DIR = os.path.join(TRAIN_DIR, "work")  # git-ignored: downloaded graph, caches, checkpoints
DEFAULT_DATA = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "datasets", "train"))
# Calibration data of quantize.py, relative to the working directory (the repository root in every
# documented command), as its --help says.
CALIBRATION_DATA = "../shared/datasets/train"
DEFAULT_GRAPH = os.path.join(WORK_DIR, "package", "models", "centernet.json")  # fetch_backbone.sh puts it here
DEFAULT_CKPT = os.path.join(WORK_DIR, "ckpt")
DEFAULT_CACHE = os.path.join(WORK_DIR, "cache")
DEFAULT_IMAGES = os.path.join(DEFAULT_DATA, "static", "images")  # verify_import.py's test photo
# The validation split: whole training videos no run trains on (data.sequences.held_out).
VALIDATION_FILE = os.path.join(TRAIN_DIR, "validation.txt")
TFJS_REFERENCE = os.path.join(REPO_ROOT, "tools", "tfjs_reference.js")
SIAMTRACK = os.path.join(REPO_ROOT, "siamtrack")  # the engine's launcher, run by tune.py

# ---------------------------------------------------------------- crops (as the engine cuts them)

EXEMPLAR = 127
INSTANCE = 255  # training search crops
CONTEXT = 0.5
# Search crop the tracker uses (training crops stay at INSTANCE): 223 = 16 * 14 - 1 gives 14x14
# features and a 15x15 map covering +-112 px. With the shipped weights (Java engine, success AUC)
# it matched 255 on dev (0.491 vs 0.488) and on the held-out training sequences (0.615 vs 0.621)
# at 27% less time per frame; 191 lost 0.03 on dev.
TRACK_INSTANCE = 223
# Tracker post-processing: NanoTrack v2's with a lighter cosine window. At search 255, on the
# held-out training sequences (Java engine, success AUC), window influence 0.25-0.40 beat 0.49 by
# ~0.025; penalty k and lr changes were flat. At search 223 (15x15 map) 0.30 beat 0.40 on dev
# (0.503 vs 0.491) and on the held-out sequences (0.631 vs 0.615); 0.20-0.25 tied held-out, lost dev.
# These are the starting values an export writes; tune.py then tunes each trained model in the engine
# (it picked 0.3 / 0.4 / 0.1 for siamtrack-lite, a student of this kind we shipped before siamtrack-v3s).
HYPER = {"window_influence": 0.30, "penalty_k": 0.15, "lr": 0.385}

# ---------------------------------------------------------------- runs

TRAIN_DEFAULTS = {
    "batch": 16,
    "iters": 4000,            # length of the cosine learning-rate schedule
    "lr": 1e-3,               # adjust layer + head
    "trunk_lr": 2e-4,         # trained trunk blocks
    "weight_decay": 1e-4,
    "train_from_block": 9,    # trunk blocks with this index and later are trained; earlier frozen
    "trunk_blocks": None,     # keep only this many trunk blocks (None: all, up to stride 16)
    "channels": 64,
    "hidden": 64,
    "score_loss": "focal",    # focal | bce
    "box_loss": "giou",       # giou | iou
    "weights": {"score": 1.0, "box": 1.0, "triplet": 0.5, "contrastive": 0.0},
    "triplet_margin": 0.3,
    "contrastive_margin": 0.5,
    "max_gap": 20,
    "static_share": 0.4,
    "negative_share": 0.15,
    "cutout_share": 0.0,      # pairs whose instance is the target pasted onto another frame (PairSampler.composite)
    "motion_blur": 0.0,       # share of instance crops blurred along a random direction
    "max_distractors": 4,
    "val_interval": 400,
    "val_max_frames": 80,
    "ckpt_seconds": 180,
    "seed": 0,
}

DISTILL_DEFAULTS = {"batch": 16, "lr": 3e-4, "weight_decay": 1e-5, "iters": 3000,
                    "weights": {"feature": 1.0, "hint": 1.0, "kd_score": 1.0, "kd_box": 0.5, "score": 1.0,
                                "box": 0.5}}


def load_config(path, overrides, base=None):
    """TRAIN_DEFAULTS (or a resumed run's config), then a JSON file, then key=value overrides
    (dotted keys reach into "weights", values parsed as JSON when they look like numbers)."""
    cfg = copy.deepcopy(TRAIN_DEFAULTS)
    cfg.update(copy.deepcopy(base or {}))  # a resumed run from before a key existed gets its default
    if path:
        with open(path) as f:
            for k, v in json.load(f).items():
                if k not in TRAIN_DEFAULTS:
                    raise SystemExit(f"unknown config key {k!r}")
                cfg[k] = v
    for item in overrides:
        key, _, value = item.partition("=")
        node, leaf = cfg, key
        if "." in key:
            head, leaf = key.split(".", 1)
            node = cfg.get(head)
        if not isinstance(node, dict) or (leaf not in node and node is cfg):
            raise SystemExit(f"unknown config key {key!r}")
        node[leaf] = json.loads(value) if value[:1] in "0123456789-[{tf" else value
    return cfg
