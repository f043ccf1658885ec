"""MobileNetV3-style trunk with TensorFlow "SAME" padding semantics.

The pretrained weights come from a TensorFlow graph, where stride-2 convolutions on even-sized
inputs pad asymmetrically (one pixel less before than after). Reproducing that exactly keeps the
imported features identical to the original graph.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pads(size, kernel, stride):
    """TensorFlow SAME padding (before, after) for one spatial dimension."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Conv2d):
    """Conv2d with TensorFlow SAME padding.

    Stride-1 convolutions with odd kernels pad symmetrically (done by the conv itself). Strided
    ones compute their padding from the input size; `fixed_pads` freezes that padding for ONNX
    export, where the trace must not depend on Python-side shape arithmetic.
    """

    def __init__(self, in_ch, out_ch, kernel, stride=1, groups=1, bias=True):
        symmetric = stride == 1 and kernel % 2 == 1
        super().__init__(in_ch, out_ch, kernel, stride, padding=kernel // 2 if symmetric else 0,
                         groups=groups, bias=bias)
        self.dynamic_padding = not symmetric
        self.fixed_pads = None
        self.last_pads = None

    def forward(self, x):
        if self.dynamic_padding:
            if self.fixed_pads is not None:
                pads = self.fixed_pads
            else:
                ph = same_pads(int(x.shape[2]), self.kernel_size[0], self.stride[0])
                pw = same_pads(int(x.shape[3]), self.kernel_size[1], self.stride[1])
                pads = (pw[0], pw[1], ph[0], ph[1])
            self.last_pads = pads
            x = F.pad(x, pads)
        return super().forward(x)


class HardSwish(nn.Module):
    """x * relu6(x + 3) * scale; `scale` is 1/6 rounded as the source graph stores it (float16)."""

    def __init__(self, scale=1 / 6):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        return x * F.relu6(x + 3.0) * self.scale


def activation(kind, scale=1 / 6):
    if kind == "relu":
        return nn.ReLU(inplace=True)
    if kind == "hswish":
        return HardSwish(scale)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown activation {kind!r}")


class ConvAct(nn.Sequential):
    def __init__(self, in_ch, out_ch, kernel, stride, act, groups=1, act_scale=1 / 6):
        super().__init__(SameConv2d(in_ch, out_ch, kernel, stride, groups), activation(act, act_scale))

    @property
    def conv(self):
        return self[0]


class SqueezeExcite(nn.Module):
    """Squeeze-excite with hard-sigmoid gating relu6(x + 3) * scale, as in MobileNetV3."""

    def __init__(self, ch, mid, scale=1 / 6):
        super().__init__()
        self.reduce = nn.Conv2d(ch, mid, 1)
        self.expand = nn.Conv2d(mid, ch, 1)
        self.scale = scale

    def forward(self, x):
        s = x.mean(dim=(2, 3), keepdim=True)
        s = F.relu(self.reduce(s))
        return x * (F.relu6(self.expand(s) + 3.0) * self.scale)


class InvertedResidual(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        ch = spec["in"]
        scale = spec.get("act_scale", 1 / 6)
        self.expand = None
        if spec.get("expand"):
            self.expand = ConvAct(ch, spec["expand"], 1, 1, spec["act"], act_scale=scale)
            ch = spec["expand"]
        self.depthwise = ConvAct(ch, ch, spec["kernel"], spec["stride"], spec["act"], groups=ch,
                                 act_scale=scale)
        self.se = SqueezeExcite(ch, spec["se"], spec.get("se_scale", 1 / 6)) if spec.get("se") else None
        self.project = SameConv2d(ch, spec["out"], 1)
        self.residual = spec["residual"]

    def forward(self, x):
        y = x if self.expand is None else self.expand(x)
        y = self.depthwise(y)
        if self.se is not None:
            y = self.se(y)
        y = self.project(y)
        return x + y if self.residual else y


class Trunk(nn.Module):
    """Stem conv + inverted residual blocks, described by a list of plain-dict specs.

    `specs[0]` describes the stem ({"in", "out", "kernel", "stride", "act"}), the rest are blocks
    ({"in", "expand"?, "kernel", "stride", "act", "se"?, "out", "residual"}); optional
    "act_scale"/"se_scale" give the hard-swish / hard-sigmoid multiplier (default 1/6).
    """

    def __init__(self, specs):
        super().__init__()
        self.specs = specs
        stem = specs[0]
        self.stem = ConvAct(stem["in"], stem["out"], stem["kernel"], stem["stride"], stem["act"],
                            act_scale=stem.get("act_scale", 1 / 6))
        self.blocks = nn.ModuleList(InvertedResidual(s) for s in specs[1:])
        self.out_channels = specs[-1]["out"]
        self.stride = math.prod(s["stride"] for s in specs)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return x

    def strided_convs(self):
        return [m for m in self.modules() if isinstance(m, SameConv2d) and m.dynamic_padding]


def freeze_padding(module, sizes=(127, 255)):
    """Fix every strided conv's padding for ONNX export and check it is valid for all `sizes`.

    TF SAME padding depends on the input size; for the crop sizes the tracker uses (odd sizes) the
    padding of every layer is the same, so one frozen graph serves them all.
    """
    convs = [m for m in module.modules() if isinstance(m, SameConv2d) and m.dynamic_padding]
    for m in convs:
        m.fixed_pads = None
    recorded = []
    with torch.no_grad():
        for size in sizes:
            module(torch.zeros(1, 3, size, size))
            recorded.append([m.last_pads for m in convs])
    if any(r != recorded[0] for r in recorded[1:]):
        raise ValueError(f"padding differs between input sizes {sizes}; cannot freeze one graph")
    for m, pads in zip(convs, recorded[0]):
        m.fixed_pads = pads


def unfreeze_padding(module):
    for m in module.modules():
        if isinstance(m, SameConv2d):
            m.fixed_pads = None
