"""Training pairs: exemplar and instance crops of one target with augmentation, negatives, cut-out
composites and distractors (PairSampler)."""
import math
import random

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from siamtrack_train.settings import EXEMPLAR, INSTANCE
from siamtrack_train.data.crops import context_side, crop, mean_colour, to_crop_coords


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


def cutout(img, box):
    """The object in `box` as an RGBA cut-out. We have boxes, not masks, so the matte is the box's
    inscribed ellipse with a soft edge: objects fill the middle of their boxes, and the corners,
    mostly background, fade out instead of pasting a rectangle of the old scene."""
    x, y, w, h = box[:4]
    region = img.crop((int(round(x)), int(round(y)), int(round(x + w)), int(round(y + h)))).convert("RGBA")
    width, height = region.size
    yy, xx = np.mgrid[0:height, 0:width]
    r = np.sqrt(((xx + 0.5 - width / 2) / (width / 2)) ** 2 + ((yy + 0.5 - height / 2) / (height / 2)) ** 2)
    alpha = np.clip((1.1 - r) / 0.25, 0.0, 1.0)
    region.putalpha(Image.fromarray((alpha * 255).astype(np.uint8)))
    return region


def paste(background, piece, cx, cy, w, h):
    """`piece` resized to w x h and alpha-blended onto `background` (in place), centred on (cx, cy);
    returns the pasted box (x, y, w, h)."""
    w, h = max(int(round(w)), 2), max(int(round(h)), 2)
    x, y = int(round(cx - w / 2)), int(round(cy - h / 2))
    resized = piece.resize((w, h), Image.BILINEAR)
    background.paste(resized, (x, y), resized)
    return (float(x), float(y), float(w), float(h))


def motion_blur(img, length, angle):
    """Blur along one direction (a moving camera or object): the mean of `length` copies shifted
    along the angle, edges repeated."""
    a = np.asarray(img, dtype=np.float32)
    pad = length
    padded = np.pad(a, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    acc = np.zeros_like(a)
    for k in range(length):
        t = k - (length - 1) / 2
        dx, dy = int(round(t * math.cos(angle))), int(round(t * math.sin(angle)))
        acc += padded[pad + dy:pad + dy + a.shape[0], pad + dx:pad + dx + a.shape[1]]
    return Image.fromarray((acc / length).clip(0, 255).astype(np.uint8))


# ---------------------------------------------------------------- pair sampling

class Augment:
    """Crop jitter and photometric augmentation. Scale jitter is drawn independently for x and y
    (`anisotropic`, as pysot does): the target's aspect ratio then differs between exemplar and
    instance, so the box branch has to read the extent from the search crop instead of copying
    the exemplar's shape."""

    def __init__(self, rng, shift=64.0, scale=0.18, template_shift=4.0, template_scale=0.05,
                 colour=0.5, grey=0.05, blur=0.15, flip=0.5, anisotropic=True, motion=0.0):
        self.rng = rng
        self.shift, self.scale = shift, scale
        self.template_shift, self.template_scale = template_shift, template_scale
        self.colour, self.grey, self.blur, self.flip = colour, grey, blur, flip
        self.anisotropic = anisotropic
        self.motion = motion

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
                 negative_share=0.15, augment=None, cutout_share=0.0, cutout_distractors=2, unlabelled_share=0.0):
        self.rng = random.Random(seed)
        self.aug = augment or Augment(self.rng)
        self.max_gap = max_gap
        self.static_share = static_share if static_images else 0.0
        self.negative_share = negative_share
        self.cutout_share, self.cutout_distractors = cutout_share, cutout_distractors
        self.unlabelled_share = unlabelled_share
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

    def other_track(self, track_id):
        other = self.rng.randrange(len(self.tracks))
        while len(self.tracks) > 1 and other == track_id:
            other = self.rng.randrange(len(self.tracks))
        return other

    def composite(self, x_img, x_box, track_id):
        """The target cut out of its frame and pasted, moved and resized (aspect too), onto another
        track's frame, with cut-outs of other objects of about its size as look-alike distractors.
        Returns the new image, the target's box in it and the distractors' boxes."""
        rng = self.rng
        piece = cutout(x_img, x_box)
        (bg_path, _, _), _ = self.frame_pair(self.other_track(track_id))
        background = self.load(bg_path)
        bw, bh = background.size
        fx, fy = self.aug.scale_factors(0.3)
        w, h = x_box[2] * fx, x_box[3] * fy
        fit = min(1.0, 0.5 * bw / w, 0.5 * bh / h)
        w, h = w * fit, h * fit
        cx, cy = rng.uniform(w / 2, bw - w / 2), rng.uniform(h / 2, bh - h / 2)
        distractors = []
        for _ in range(rng.randint(0, self.cutout_distractors)):
            (d_path, d_box, _), _ = self.frame_pair(self.other_track(track_id))
            d_img = self.load(d_path)
            size = math.sqrt(w * h / (d_box[2] * d_box[3])) * math.exp(rng.uniform(-0.3, 0.3))
            dw, dh = min(d_box[2] * size, bw / 2), min(d_box[3] * size, bh / 2)
            dcx, dcy = rng.uniform(dw / 2, bw - dw / 2), rng.uniform(dh / 2, bh - dh / 2)
            if abs(dcx - cx) < (w + dw) / 2 and abs(dcy - cy) < (h + dh) / 2:
                continue  # would cover the target
            distractors.append(paste(background, cutout(d_img, d_box), dcx, dcy, dw, dh))
        return background, paste(background, piece, cx, cy, w, h), distractors

    def random_box(self, size):
        """A box of any content: 10-50% of the image's shorter side, aspect 1:2 to 2:1, anywhere inside."""
        w_img, h_img = size
        side = min(w_img, h_img) * self.rng.uniform(0.1, 0.5)
        aspect = math.exp(self.rng.uniform(-math.log(2), math.log(2)))
        w, h = min(side * math.sqrt(aspect), w_img), min(side / math.sqrt(aspect), h_img)
        return np.array([self.rng.uniform(0, w_img - w), self.rng.uniform(0, h_img - h), w, h], dtype=np.float32)

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
        # Unlabelled pair: a random box of the first frame stands for the target and the search crop comes from
        # the pair's second frame around the same place; no ground truth (distillation's teacher terms only).
        labelled = not (self.unlabelled_share and rng.random() < self.unlabelled_share)
        if not labelled:
            z_box = x_box = self.random_box(z_img.size)
            others = []
        composited = labelled and self.cutout_share and rng.random() < self.cutout_share
        if composited:
            x_img, x_box, others = self.composite(x_img, x_box, track_id)
        centre_box = x_box
        if labelled and not composited and rng.random() < self.negative_share:
            same_image_options = [b for b in others if usable_box(b, *x_img.size)]
            if same_image_options and rng.random() < 0.5:
                centre_box = rng.choice(same_image_options)  # distractor in the same image
            else:
                (_, _, _), (x_path, centre_box, others) = self.frame_pair(self.other_track(track_id))
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

        target = to_crop_coords(x_box, xcx, xcy, sx, INSTANCE, sy) if target_visible and labelled else None
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
        if rng.random() < aug.motion:
            instance = motion_blur(instance, rng.randint(3, 11), rng.uniform(0.0, math.pi))
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
            "labelled": labelled,
        }
