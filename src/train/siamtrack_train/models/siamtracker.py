"""Siamese tracking network: shared trunk + adjust layer (backbone.onnx) and a depthwise
cross-correlation head with an anchor-free classification / ltrb-box output (head.onnx).

Geometry (stride 16, TF SAME padding, odd crop sizes): backbone feature k sits at crop pixel
16k + 14, so the 127 exemplar gives 8x8 features and the 255 instance 16x16. The head pads the
search features by 4 cells before correlating with the full 8x8 template, giving a 17x17 map whose
cell (i, j) lies at (-128 + 16j, -128 + 16i) instance pixels from the crop centre (grid_origin
-128), i.e. the map covers +-128 px of displacement.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from siamtrack_train.models.tfjs_import import import_trunk
from siamtrack_train.models.trunk import Trunk
from siamtrack_train.settings import INSTANCE

STRIDE = 16
TEMPLATE_CELLS = 8
SEARCH_CELLS = 16
XCORR_PAD = 4
SCORE_SIZE = SEARCH_CELLS + 2 * XCORR_PAD - TEMPLATE_CELLS + 1
GRID_ORIGIN = -(SCORE_SIZE // 2) * STRIDE
FEATURE_OFFSET = 14  # crop pixel index of backbone feature 0 (see module docstring)

TINY_SPECS = [
    {"name": "Conv", "in": 3, "out": 8, "kernel": 3, "stride": 2, "act": "hswish"},
    {"name": "b1", "in": 8, "expand": 16, "kernel": 3, "stride": 2, "act": "relu", "out": 8, "residual": False},
    {"name": "b2", "in": 8, "expand": 24, "kernel": 5, "stride": 2, "act": "relu", "se": 8, "out": 16,
     "residual": False},
    {"name": "b3", "in": 16, "expand": 32, "kernel": 3, "stride": 2, "act": "hswish", "out": 16, "residual": False},
    {"name": "b4", "in": 16, "expand": 32, "kernel": 3, "stride": 1, "act": "hswish", "se": 8, "out": 16,
     "residual": True},
]


class Backbone(nn.Module):
    """Trunk (takes BGR 0..255 pixels) + 1x1 adjust conv to `channels` features."""

    def __init__(self, trunk, channels):
        super().__init__()
        self.trunk = trunk
        self.adjust = nn.Sequential(nn.Conv2d(trunk.out_channels, channels, 1, bias=False),
                                    nn.BatchNorm2d(channels))

    def forward(self, x):
        return self.adjust(self.trunk(x))


def dw_xcorr(search, template, pad):
    """Depthwise cross-correlation of each sample's search features with its own template."""
    b, c, h, w = search.shape
    out = F.conv2d(search.reshape(1, b * c, h, w), template.reshape(b * c, 1, *template.shape[2:]),
                   padding=pad, groups=b * c)
    return out.reshape(b, c, out.shape[2], out.shape[3])


def conv_bn_relu(cin, cout, k=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def separable(ch):
    """3x3 depthwise + 1x1 pointwise, each with batch norm and ReLU (cheap on CPU)."""
    return nn.Sequential(conv_bn_relu(ch, ch, 3, groups=ch), conv_bn_relu(ch, ch))


class Head(nn.Module):
    """DW-xcorr -> shared 1x1 mix -> separable cls / reg towers -> cls logits [B,2,S,S] and
    ltrb [B,4,S,S] (instance pixels)."""

    def __init__(self, channels, hidden):
        super().__init__()
        self.corr_bn = nn.BatchNorm2d(channels)
        self.mix = conv_bn_relu(channels, hidden)
        self.cls_tower = nn.Sequential(separable(hidden), separable(hidden))
        self.reg_tower = nn.Sequential(separable(hidden), separable(hidden))
        self.cls = nn.Conv2d(hidden, 2, 1)
        self.reg = nn.Conv2d(hidden, 4, 1)
        with torch.no_grad():  # start with p(target) ~ 0.01 everywhere (focal-loss prior)
            self.cls.bias.copy_(torch.tensor([2.3, -2.3]))
            self.reg.bias.fill_(1.0)

    def forward(self, template, search):
        corr = self.mix(self.corr_bn(dw_xcorr(search, template, XCORR_PAD)))
        cls = self.cls(self.cls_tower(corr))
        ltrb = STRIDE * torch.exp(torch.clamp(self.reg(self.reg_tower(corr)), -6.0, 6.0))
        return cls, ltrb


class SiamTracker(nn.Module):
    def __init__(self, trunk, channels=64, hidden=64):
        super().__init__()
        self.backbone = Backbone(trunk, channels)
        self.head = Head(channels, hidden)

    def forward(self, exemplar, instance):
        zf = self.backbone(exemplar)
        xf = self.backbone(instance)
        cls, ltrb = self.head(zf, xf)
        return cls, ltrb, zf, xf


def rgb_trunk_to_bgr(trunk):
    """Reverse the stem's input channels so the trunk takes BGR pixels (exact, costs nothing)."""
    with torch.no_grad():
        trunk.stem.conv.weight.copy_(trunk.stem.conv.weight.flip(1))
    return trunk


def tiny_model(seed=0):
    """Small random-weights network with the full export contract (for tests)."""
    torch.manual_seed(seed)
    return SiamTracker(Trunk(TINY_SPECS), channels=16, hidden=16)


def pretrained_model(graph_json, channels=64, hidden=64, blocks=None):
    """Network whose trunk is imported from the TF.js CenterNet graph (RGB trunk made BGR).

    `blocks` keeps only the first inverted-residual blocks (None: all up to stride 16); a shorter
    trunk trades accuracy for speed."""
    from tfjs_import import import_trunk

    trunk, specs, _ = import_trunk(graph_json)
    if blocks is not None and blocks < len(trunk.blocks):
        specs = specs[:blocks + 1]
        kept = Trunk(specs)
        kept.load_state_dict({k: v for k, v in trunk.state_dict().items() if k in kept.state_dict()})
        trunk = kept
    return SiamTracker(rgb_trunk_to_bgr(trunk), channels, hidden), specs


def score_geometry(instance):
    """(score size, grid origin) of the head's map for an instance crop of `instance` = 16n - 1
    pixels: n search cells padded by XCORR_PAD on each side, correlated with the 8x8 template."""
    if (instance + 1) % STRIDE:
        raise ValueError(f"instance size {instance} is not {STRIDE}n - 1")
    cells = (instance + 1) // STRIDE
    size = cells + 2 * XCORR_PAD - TEMPLATE_CELLS + 1
    return size, -(size // 2) * STRIDE


def cell_points(instance=INSTANCE):
    """Offsets (instance pixels from the crop centre) of the score-map cells, one axis."""
    size, origin = score_geometry(instance)
    return origin + STRIDE * torch.arange(size, dtype=torch.float32)


def feature_coord(rel):
    """Backbone search-feature coordinate of an offset `rel` (pixels from the crop centre)."""
    return (rel + (INSTANCE - 1) / 2 - FEATURE_OFFSET) / STRIDE
