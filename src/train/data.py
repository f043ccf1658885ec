"""Training data: sequence / still-image readers, tracker-identical crops, pair sampling with
augmentation and negatives.

Crops follow the engine: context amount 0.5, exemplar side s = sqrt((w+p)(h+p)) with
p = (w+h)/2 resized to 127, instance side s*255/127 resized to 255, both centred on the given
point, outside of the image filled with the image's mean colour. Crop pixel u covers source
[cx + (u - out/2) * side/out, ...+side/out), i.e. the crop centre (out/2 in continuous
coordinates) is exactly the requested centre.
"""
import csv
import glob
import math
import os
import random

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageStat

EXEMPLAR = 127
INSTANCE = 255
CONTEXT = 0.5


# ---------------------------------------------------------------- readers

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


def usable_box(box, img_w, img_h, min_side=8.0, max_aspect=5.0, min_visible=0.6):
    """Reject absent, tiny, sliver-shaped or mostly out-of-frame boxes."""
    x, y, w, h = box[:4]
    if not all(math.isfinite(v) for v in (x, y, w, h)) or w < min_side or h < min_side:
        return False
    if max(w / h, h / w) > max_aspect:
        return False
    vis_w = min(x + w, img_w) - max(x, 0.0)
    vis_h = min(y + h, img_h) - max(y, 0.0)
    if vis_w <= 0 or vis_h <= 0 or vis_w * vis_h < min_visible * w * h:
        return False
    return w * h < 0.8 * img_w * img_h


# ---------------------------------------------------------------- crops

def context_side(w, h, context=CONTEXT):
    p = context * (w + h)
    return math.sqrt((w + p) * (h + p))


def mean_colour(img):
    """Per-channel mean of a PIL RGB image (the padding colour)."""
    return tuple(int(round(v)) for v in ImageStat.Stat(img).mean)


def crop(img, cx, cy, side, out, fill, side_y=None):
    """Crop of `side` (x) by `side_y` (y, default `side`) source pixels centred on (cx, cy),
    resized (bilinear) to out x out."""
    side_y = side if side_y is None else side_y
    sx, sy = side / out, side_y / out
    coeffs = (sx, 0.0, cx - side / 2.0, 0.0, sy, cy - side_y / 2.0)
    return img.transform((out, out), Image.AFFINE, coeffs, resample=Image.BILINEAR, fillcolor=fill)


def to_crop_coords(box, cx, cy, side, out, side_y=None):
    """(x,y,w,h) source box -> (x1,y1,x2,y2) in crop pixels relative to the crop centre."""
    kx = out / side
    ky = kx if side_y is None else out / side_y
    x, y, w, h = box[:4]
    return np.array([(x - cx) * kx, (y - cy) * ky, (x + w - cx) * kx, (y + h - cy) * ky], dtype=np.float32)


# ---------------------------------------------------------------- pair sampling

class Augment:
    """Crop jitter and photometric augmentation. Scale jitter is drawn independently for x and y
    (`anisotropic`, as pysot does): the target's aspect ratio then differs between exemplar and
    instance, so the box branch has to read the extent from the search crop instead of copying
    the exemplar's shape."""

    def __init__(self, rng, shift=64.0, scale=0.18, template_shift=4.0, template_scale=0.05,
                 colour=0.5, grey=0.05, blur=0.15, flip=0.5, anisotropic=True):
        self.rng = rng
        self.shift, self.scale = shift, scale
        self.template_shift, self.template_scale = template_shift, template_scale
        self.colour, self.grey, self.blur, self.flip = colour, grey, blur, flip
        self.anisotropic = anisotropic

    def scale_factors(self, amount):
        """exp(U(-amount, amount)) for x and y (the same draw for both unless anisotropic)."""
        fx = math.exp(self.rng.uniform(-amount, amount))
        return fx, (math.exp(self.rng.uniform(-amount, amount)) if self.anisotropic else fx)

    def colour_jitter(self, img):
        if self.rng.random() < self.colour:
            for enhancer in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
                img = enhancer(img).enhance(self.rng.uniform(0.7, 1.3))
        return img


class PairSampler:
    """Draws training samples: (exemplar, instance, target box in instance coordinates or None,
    distractor centres, track id).

    Positive pairs come from the same track within `max_gap` frames, or from one still image with
    independent augmentation. Negatives: an instance crop of another sequence/image (target
    absent), or one centred on another object of the same still image (target labelled wherever
    it really is in that crop, other objects recorded as distractors).
    """

    def __init__(self, sequences, static_images, seed=0, max_gap=20, static_share=0.4,
                 negative_share=0.15, augment=None):
        self.rng = random.Random(seed)
        self.aug = augment or Augment(self.rng)
        self.max_gap = max_gap
        self.static_share = static_share if static_images else 0.0
        self.negative_share = negative_share
        self.size_cache = {}
        self.tracks = []  # (kind, payload): ("seq", (seq, [valid frame idx])) / ("img", (path, box idx))
        for seq in sequences:
            valid = [i for i in range(len(seq)) if usable_box(seq.boxes[i], *self.image_size(seq.frames[i]))]
            if len(valid) >= 2:
                self.tracks.append(("seq", (seq, valid)))
        self.seq_count = len(self.tracks)
        self.static = static_images
        for path, boxes in (static_images or {}).items():
            size = self.image_size(path)
            for j, b in enumerate(boxes):
                if usable_box(b, *size):
                    self.tracks.append(("img", (path, j)))
        if not self.tracks:
            raise ValueError("no usable training tracks")

    def image_size(self, path):
        if path not in self.size_cache:
            with Image.open(path) as im:
                self.size_cache[path] = im.size
        return self.size_cache[path]

    def pick_track(self):
        static_tracks = len(self.tracks) - self.seq_count
        if static_tracks and (self.seq_count == 0 or self.rng.random() < self.static_share):
            return self.rng.randrange(self.seq_count, len(self.tracks))
        return self.rng.randrange(self.seq_count)

    def frame_pair(self, track_id):
        kind, payload = self.tracks[track_id]
        if kind == "seq":
            seq, valid = payload
            i = self.rng.choice(valid)
            near = [j for j in valid if j != i and abs(j - i) <= self.max_gap] or [i]
            j = self.rng.choice(near)
            return (seq.frames[i], seq.boxes[i], []), (seq.frames[j], seq.boxes[j], [])
        path, k = payload
        boxes = self.static[path]
        others = [b for n, b in enumerate(boxes) if n != k]
        return (path, boxes[k], others), (path, boxes[k], others)

    @staticmethod
    def load(path):
        return Image.open(path).convert("RGB")

    def sample(self):
        track_id = self.pick_track()
        (z_path, z_box, _), (x_path, x_box, others) = self.frame_pair(track_id)
        aug, rng = self.aug, self.rng
        z_img = self.load(z_path)
        x_img = z_img if x_path == z_path else self.load(x_path)
        target_visible = True
        centre_box = x_box
        if rng.random() < self.negative_share:
            same_image_options = [b for b in others if usable_box(b, *x_img.size)]
            if same_image_options and rng.random() < 0.5:
                centre_box = rng.choice(same_image_options)  # distractor in the same image
            else:
                other = rng.randrange(len(self.tracks))
                while len(self.tracks) > 1 and other == track_id:
                    other = rng.randrange(len(self.tracks))
                (_, _, _), (x_path, centre_box, others) = self.frame_pair(other)
                x_img = self.load(x_path)
                target_visible = False

        # exemplar: centred on the target with a little jitter, like the engine's first frame
        zw, zh = z_box[2], z_box[3]
        fx, fy = aug.scale_factors(aug.template_scale)
        s_z = context_side(zw, zh)
        zcx = z_box[0] + zw / 2 + rng.uniform(-aug.template_shift, aug.template_shift) * s_z * fx / EXEMPLAR
        zcy = z_box[1] + zh / 2 + rng.uniform(-aug.template_shift, aug.template_shift) * s_z * fy / EXEMPLAR
        exemplar = crop(z_img, zcx, zcy, s_z * fx, EXEMPLAR, mean_colour(z_img), s_z * fy)

        # instance: scale from the exemplar's size estimate (as when tracking), centre jittered
        cw, ch = centre_box[2], centre_box[3]
        s_x = context_side(zw, zh) * INSTANCE / EXEMPLAR
        if centre_box is not x_box:
            s_x = context_side(cw, ch) * INSTANCE / EXEMPLAR
        fx, fy = aug.scale_factors(aug.scale)
        sx, sy = s_x * fx, s_x * fy
        xcx = centre_box[0] + cw / 2 - rng.uniform(-aug.shift, aug.shift) * sx / INSTANCE
        xcy = centre_box[1] + ch / 2 - rng.uniform(-aug.shift, aug.shift) * sy / INSTANCE
        instance = crop(x_img, xcx, xcy, sx, INSTANCE, mean_colour(x_img), sy)

        target = to_crop_coords(x_box, xcx, xcy, sx, INSTANCE, sy) if target_visible else None
        distractor_boxes = [b for b in others if b is not x_box]
        if not target_visible:
            distractor_boxes.append(centre_box)  # the other sequence's object: a negative too
        distractors = [to_crop_coords(b, xcx, xcy, sx, INSTANCE, sy) for b in distractor_boxes]

        exemplar, instance = aug.colour_jitter(exemplar), aug.colour_jitter(instance)
        if rng.random() < aug.grey:
            exemplar = exemplar.convert("L").convert("RGB")
            instance = instance.convert("L").convert("RGB")
        if rng.random() < aug.blur:
            instance = instance.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
        if rng.random() < aug.flip:
            exemplar = exemplar.transpose(Image.FLIP_LEFT_RIGHT)
            instance = instance.transpose(Image.FLIP_LEFT_RIGHT)
            flip = lambda b: np.array([-b[2], b[1], -b[0], b[3]], dtype=np.float32)  # noqa: E731
            target = None if target is None else flip(target)
            distractors = [flip(b) for b in distractors]
        half = INSTANCE / 2
        distractors = [b for b in distractors if abs((b[0] + b[2]) / 2) < half and abs((b[1] + b[3]) / 2) < half]
        return {
            "exemplar": np.asarray(exemplar)[:, :, ::-1].copy(),  # BGR like the engine
            "instance": np.asarray(instance)[:, :, ::-1].copy(),
            "target": target,
            "distractors": distractors,
            "track": track_id,
        }
