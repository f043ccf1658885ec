"""Crops exactly as the engine cuts them.

Context amount 0.5, exemplar side s = sqrt((w+p)(h+p)) with p = (w+h)/2 resized to 127, instance side
s*255/127 resized to 255, both centred on the given point, outside of the image filled with the image's
mean colour. Crop pixel u covers source [cx + (u - out/2) * side/out, ...+side/out), i.e. the crop centre
(out/2 in continuous coordinates) is exactly the requested centre.
"""
import math

import numpy as np
from PIL import Image, ImageStat

from siamtrack_train.settings import CONTEXT


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

