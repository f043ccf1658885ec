"""Exact rewrites of an exported SiamTrack graph that let ONNX Runtime fuse it.

usage: /usr/bin/python3 src/train/onnx_opt.py MODEL_DIR    # rewrites backbone.onnx and head.onnx in place

torch.onnx writes the trunk in a form ONNX Runtime cannot see through:
- TF SAME padding (`F.pad`) becomes a Pad whose amounts come from a ConstantOfShape / Concat /
  Reshape / Slice / Transpose / Cast chain. The chain is constant-folded and each zero Pad of the
  spatial dims is merged into the next Conv's `pads` (Conv pads may be asymmetric).
- hard-swish x * relu6(x + 3) * s becomes Add, Relu, Clip, Mul, Mul; the squeeze-excite gate
  relu6(y + 3) * s Add, Relu, Clip, Mul.
- the head views its batch-1 inputs as [1, C, H, W] with Reshapes that change nothing but pin the
  search size; they are dropped.
- the head's batch norm follows a convolution with run-time weights (the cross-correlation), which
  ONNX Runtime cannot fold; it sits right before a 1x1 convolution, which can absorb it.

s is the source graph's float16-rounded 1/6 (0.1666259765625), not 1/6: relu6(y + 3) * s saturates
at 6s = 0.99976, so HardSigmoid(y, alpha=s, beta=3s), which saturates at 1, is not the same
function. The exact form is relu6(y + 3) * s = 6s * HardSigmoid(y, 1/6, 1/2), and hard-swish
x * relu6(x + 3) * s = 6s * HardSwish(x). The factor 6s is then moved forward through linear ops
into the weights of the convolutions that read it (a residual Add takes it by dividing the other
branch's convolution by it). Every rewrite is exact up to float rounding; anything that does not
match a pattern exactly, constants included, is left as it is.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

HSWISH_SHIFT = 3.0
RELU6_MAX = 6.0


class Graph:
    """The node list and constants (initializers and Constant nodes) of a GraphProto."""

    def __init__(self, graph):
        self.proto = graph
        self.consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.nodes = []
        for node in graph.node:
            if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
                self.consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            else:
                self.nodes.append(node)
        self.outputs = {o.name for o in graph.output}
        self.inputs = {i.name for i in graph.input}
        self._names = set(self.consts) | self.inputs | {o for n in graph.node for o in n.output}

    def fresh(self, base):
        name, k = base, 0
        while name in self._names:
            k += 1
            name = f"{base}_{k}"
        self._names.add(name)
        return name

    def add_const(self, base, value):
        name = self.fresh(base)
        self.consts[name] = value
        return name

    def const(self, name):
        return self.consts.get(name) if name else None

    def producer(self, name):
        return next((n for n in self.nodes if name in n.output), None)

    def uses(self, name):
        """(node, input index) pairs reading `name`."""
        return [(n, i) for n in self.nodes for i, x in enumerate(n.input) if x == name]

    def sole_user(self, name):
        """The only node reading `name`, or None when it has several readers or is a graph output."""
        uses = self.uses(name)
        if name in self.outputs or len(uses) != 1:
            return None
        return uses[0][0]

    def private_const(self, node, index):
        """The constant at `node.input[index]`, copied under a new name if other inputs share it."""
        name = node.input[index]
        if sum(1 for n in self.nodes for x in n.input if x == name) > 1 or name in self.outputs:
            node.input[index] = self.add_const(name, self.consts[name].copy())
        return node.input[index]

    def write_back(self):
        used = {x for n in self.nodes for x in n.input} | self.outputs
        original = [t.name for t in self.proto.initializer]
        order = original + sorted(set(self.consts) - set(original))
        initializers = [numpy_helper.from_array(self.consts[name], name) for name in order if name in used]
        known = used | {o for n in self.nodes for o in n.output}
        value_info = [v for v in self.proto.value_info if v.name in known]
        del self.proto.node[:]
        self.proto.node.extend(self.nodes)
        del self.proto.initializer[:]
        self.proto.initializer.extend(initializers)
        del self.proto.value_info[:]
        self.proto.value_info.extend(value_info)


def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def set_ints(node, name, values):
    for a in list(node.attribute):
        if a.name == name:
            node.attribute.remove(a)
    node.attribute.append(helper.make_attribute(name, [int(v) for v in values]))


def scalar(g, name):
    """The value of a one-element float constant, else None."""
    value = g.const(name)
    if value is None or value.size != 1 or value.dtype.kind != "f":
        return None
    return float(value.reshape(()))


def other_input(node, name):
    """The input of a two-input node that is not `name` (None if both are, or it is absent)."""
    a, b = node.input
    if a == name and b != name:
        return b
    if b == name and a != name:
        return a
    return None


# ---- constant folding of the pad-amount chains --------------------------------------------------

def _fold_reshape(node, data, shape):
    shape = [int(d) for d in shape]
    if not attr(node, "allowzero", 0):
        shape = [data.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return data.reshape(shape)


def _fold_slice(data, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else [int(a) for a in axes]
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * data.ndim
    for axis, start, end, step in zip(axes, starts, ends, steps):
        index[axis] = slice(int(start), int(end), int(step))
    return data[tuple(index)]


def _fold_cast(node, data):
    to = attr(node, "to")
    convert = getattr(helper, "tensor_dtype_to_np_dtype", None)  # onnx >= 1.13; 1.12 has onnx.mapping
    return data.astype(convert(to) if convert else onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])


def _fold_constant_of_shape(node, shape):
    value = attr(node, "value")
    fill = numpy_helper.to_array(value) if value is not None else np.zeros(1, np.float32)
    return np.full([int(d) for d in shape], fill.reshape(()), dtype=fill.dtype)


FOLDERS = {
    "ConstantOfShape": lambda node, shape: _fold_constant_of_shape(node, shape),
    "Concat": lambda node, *xs: np.concatenate(xs, axis=attr(node, "axis")),
    "Reshape": _fold_reshape,
    "Slice": lambda node, *xs: _fold_slice(*xs),
    "Transpose": lambda node, x: np.transpose(x, attr(node, "perm")),
    "Cast": _fold_cast,
}


def fold_constants(g):
    """Evaluate the shape-arithmetic ops whose inputs are all constant."""
    kept = []
    for node in g.nodes:
        inputs = [g.const(x) for x in node.input]
        if node.op_type in FOLDERS and all(v is not None for v in inputs) and len(node.output) == 1:
            g.consts[node.output[0]] = np.asarray(FOLDERS[node.op_type](node, *inputs))
        else:
            kept.append(node)
    g.nodes = kept


def remove_identities(g):
    """Identity(x) -> x (the exporter routes shared initializers through Identity nodes)."""
    for node in [n for n in g.nodes if n.op_type == "Identity"]:
        if node.output[0] in g.outputs:
            continue
        for reader, i in g.uses(node.output[0]):
            reader.input[i] = node.input[0]
        g.nodes.remove(node)


def static_shapes(model):
    """{tensor: dims} for every tensor whose shape inference gives only fixed dimensions."""
    inferred = onnx.shape_inference.infer_shapes(model).graph
    shapes = {}
    for value in list(inferred.input) + list(inferred.value_info) + list(inferred.output):
        dims = value.type.tensor_type.shape.dim
        if dims and all(d.HasField("dim_value") and d.dim_value > 0 for d in dims):
            shapes[value.name] = tuple(d.dim_value for d in dims)
    return shapes


def remove_identity_reshapes(g, shapes):
    """Reshape(x, s) -> x when x already has the constant shape s. The head's batch-1 view of the
    search features (and of the correlation map) is one: without it the head takes any search
    size."""
    for node in [n for n in g.nodes if n.op_type == "Reshape"]:
        target = g.const(node.input[1])
        source = shapes.get(node.input[0])
        if target is None or source is None or node.output[0] in g.outputs:
            continue
        if tuple(int(v) for v in target) != source:
            continue
        for reader, i in g.uses(node.output[0]):
            reader.input[i] = node.input[0]
        g.nodes.remove(node)


# ---- Pad -> Conv.pads ---------------------------------------------------------------------------

def fold_pads_into_convs(g):
    """Conv(Pad(x)) -> Conv(x) with the padding added to `pads`, for zero constant padding of the
    spatial dims only."""
    for pad in [n for n in g.nodes if n.op_type == "Pad"]:
        amounts = g.const(pad.input[1]) if len(pad.input) > 1 else None
        fill = g.const(pad.input[2]) if len(pad.input) > 2 and pad.input[2] else np.zeros(1)
        conv = g.sole_user(pad.output[0])
        if (amounts is None or fill is None or fill.size != 1 or float(fill.reshape(())) != 0.0
                or attr(pad, "mode", b"constant") != b"constant" or len(pad.input) > 3
                or conv is None or conv.op_type != "Conv" or conv.input[0] != pad.output[0]
                or attr(conv, "auto_pad", b"NOTSET") != b"NOTSET"):
            continue
        amounts = [int(a) for a in amounts]
        rank = len(amounts) // 2
        begin, end = amounts[:rank], amounts[rank:]
        if rank < 3 or any(a < 0 for a in amounts) or begin[:2] != [0, 0] or end[:2] != [0, 0]:
            continue
        conv_pads = attr(conv, "pads", [0] * (2 * (rank - 2)))
        if len(conv_pads) != 2 * (rank - 2):
            continue
        set_ints(conv, "pads", [p + a for p, a in zip(conv_pads, begin[2:] + end[2:])])
        conv.input[0] = pad.input[0]
        g.nodes.remove(pad)


# ---- hard-swish / hard-sigmoid ------------------------------------------------------------------

def _relu6_of_shifted(g, clip):
    """For Clip(Relu?(Add(y, 3)), 0, 6): (y, [matched nodes]); else None."""
    if clip.op_type != "Clip" or len(clip.input) != 3:
        return None
    if scalar(g, clip.input[1]) != 0.0 or scalar(g, clip.input[2]) != RELU6_MAX:
        return None
    chain = [clip]
    source = g.producer(clip.input[0])
    if source is not None and source.op_type == "Relu" and g.sole_user(source.output[0]) is clip:
        chain.append(source)
        source = g.producer(source.input[0])
    if (source is None or source.op_type != "Add" or g.sole_user(source.output[0]) is not chain[-1]):
        return None
    shift = [x for x in source.input if scalar(g, x) is not None]
    if len(shift) != 1 or scalar(g, shift[0]) != HSWISH_SHIFT:
        return None
    chain.append(source)
    return other_input(source, shift[0]), chain


def _positive_scale(g, mul, operand):
    """For Mul(operand, s) with s a positive finite one-element float constant: (s name, s)."""
    if mul.op_type != "Mul":
        return None
    name = other_input(mul, operand)
    value = scalar(g, name) if name else None
    if value is None or not np.isfinite(value) or value <= 0 or g.const(name).ndim > 1:
        return None
    return name, value


def _replace(g, old_nodes, new_nodes, anchor):
    """Put `new_nodes` where `anchor` was and drop `old_nodes`."""
    at = g.nodes.index(anchor)
    g.nodes[at:at + 1] = new_nodes
    for node in old_nodes:
        if node is not anchor:
            g.nodes.remove(node)


def _gate_nodes(g, y, scale, out, name):
    """HardSigmoid(y, 1/6, 1/2) * 6s, written to `out`."""
    gate = g.fresh(f"{name}/hard_sigmoid")
    factor = g.add_const(f"{name}/six_s", np.array(RELU6_MAX * scale, np.float32))
    return [helper.make_node("HardSigmoid", [y], [gate], name=f"{name}/HardSigmoid",
                             alpha=1.0 / RELU6_MAX, beta=HSWISH_SHIFT / RELU6_MAX),
            helper.make_node("Mul", [gate, factor], [out], name=f"{name}/Scale")]


def _swish_nodes(g, x, scale, out, name, opset):
    """HardSwish(x) * 6s (Mul(x, HardSigmoid(x, 1/6, 1/2)) * 6s before opset 14), written to `out`."""
    swish = g.fresh(f"{name}/hard_swish")
    factor = g.add_const(f"{name}/six_s", np.array(RELU6_MAX * scale, np.float32))
    if opset >= 14:
        first = [helper.make_node("HardSwish", [x], [swish], name=f"{name}/HardSwish")]
    else:
        gate = g.fresh(f"{name}/hard_sigmoid")
        first = [helper.make_node("HardSigmoid", [x], [gate], name=f"{name}/HardSigmoid",
                                  alpha=1.0 / RELU6_MAX, beta=HSWISH_SHIFT / RELU6_MAX),
                 helper.make_node("Mul", [x, gate], [swish], name=f"{name}/Mul")]
    return first + [helper.make_node("Mul", [swish, factor], [out], name=f"{name}/Scale")]


def _relu6_matches(g):
    """(clip, y, chain) for every Clip(Relu?(Add(y, 3)), 0, 6) still in the graph; the graph may be
    rewritten between two matches."""
    for clip in [n for n in g.nodes if n.op_type == "Clip"]:
        if clip not in g.nodes:
            continue
        matched = _relu6_of_shifted(g, clip)
        if matched is not None:
            yield (clip,) + matched


def rewrite_hard_swish(g, opset):
    """x * relu6(x + 3) * s -> HardSwish(x) * 6s."""
    for clip, x, chain in _relu6_matches(g):
        product = g.sole_user(clip.output[0])
        if product is None or product.op_type != "Mul" or other_input(product, clip.output[0]) != x:
            continue
        scaled = g.sole_user(product.output[0])
        scale = _positive_scale(g, scaled, product.output[0]) if scaled is not None else None
        if scale is None:
            continue
        name = product.name or product.output[0]
        _replace(g, chain + [product, scaled], _swish_nodes(g, x, scale[1], scaled.output[0], name, opset), scaled)


def rewrite_hard_sigmoid(g):
    """relu6(y + 3) * s -> HardSigmoid(y, 1/6, 1/2) * 6s."""
    for clip, y, chain in _relu6_matches(g):
        scaled = g.sole_user(clip.output[0])
        scale = _positive_scale(g, scaled, clip.output[0]) if scaled is not None else None
        if scale is None:
            continue
        name = scaled.name or scaled.output[0]
        _replace(g, chain + [scaled], _gate_nodes(g, y, scale[1], scaled.output[0], name), scaled)


# ---- moving constant factors into convolution weights ---------------------------------------------

# ops f with f(x / d) = f(x) / d for d > 0 (zero padding, averages, ReLU)
SCALE_TRANSPARENT = {"Relu", "ReduceMean", "GlobalAveragePool", "MaxPool"}


def _conv_weight(g, conv):
    return len(conv.input) > 1 and g.const(conv.input[1]) is not None and g.const(conv.input[1]).dtype == np.float32


def _plan_absorb(g, mul, factor):
    """Edits that remove Mul(tensor, factor) by compensating downstream, or None if some reader
    cannot. `deficit[t] = d` means t now holds its old value divided by d."""
    if mul.output[0] in g.outputs:
        return None
    deficit = {mul.output[0]: factor}
    rescale = []  # (conv, input index, multiplier) for weights and biases
    start = g.nodes.index(mul) + 1
    for node in g.nodes[start:]:
        ds = [deficit.get(x, 1.0) for x in node.input]
        if all(d == 1.0 for d in ds):
            continue
        first = ds[0]
        if node.op_type == "Conv" and all(d == 1.0 for d in ds[1:]) and _conv_weight(g, node):
            rescale.append((node, 1, first))
        elif node.op_type in SCALE_TRANSPARENT or (node.op_type == "Pad" and _zero_pad(g, node)):
            if any(d != 1.0 for d in ds[1:]):
                return None
            deficit[node.output[0]] = first
        elif node.op_type == "Mul" and len(ds) == 2:
            deficit[node.output[0]] = ds[0] * ds[1]
        elif node.op_type == "Add" and len(ds) == 2 and ds[0] == ds[1]:
            deficit[node.output[0]] = first
        elif node.op_type == "Add" and len(ds) == 2 and 1.0 in ds:
            # residual: the branch without the factor comes from a convolution that can take it too
            plain = ds.index(1.0)
            d = ds[1 - plain]
            conv = g.producer(node.input[plain])
            if (conv is None or conv.op_type != "Conv" or g.sole_user(conv.output[0]) is not node
                    or not _conv_weight(g, conv) or len(conv.input) != 3 or g.const(conv.input[2]) is None):
                return None
            rescale += [(conv, 1, 1.0 / d), (conv, 2, 1.0 / d)]
            deficit[node.output[0]] = d
        else:
            return None
        if any(deficit.get(o, 1.0) != 1.0 for o in node.output if o in g.outputs):
            return None
    return rescale


def _zero_pad(g, pad):
    fill = g.const(pad.input[2]) if len(pad.input) > 2 and pad.input[2] else np.zeros(1)
    return (attr(pad, "mode", b"constant") == b"constant" and fill is not None and fill.size == 1
            and float(fill.reshape(())) == 0.0)


def absorb_scalar_muls(g):
    """Remove Mul(t, c) (c a positive constant) by folding c into the convolutions downstream."""
    for mul in [n for n in g.nodes if n.op_type == "Mul"]:
        scale = next((s for s in (_positive_scale(g, mul, x) for x in mul.input) if s is not None), None)
        if scale is None:
            continue
        tensor = other_input(mul, scale[0])
        if tensor is None or g.const(tensor) is not None:
            continue
        rescale = _plan_absorb(g, mul, scale[1])
        if rescale is None:
            continue
        for node, index, multiplier in rescale:
            name = g.private_const(node, index)
            g.consts[name] = (g.consts[name].astype(np.float64) * multiplier).astype(np.float32)
        for node, i in g.uses(mul.output[0]):
            node.input[i] = tensor
        g.nodes.remove(mul)


# ---- BatchNormalization -> following 1x1 Conv -----------------------------------------------------

def fold_batchnorm_into_next_conv(g):
    """Conv1x1(BN(x)) -> Conv1x1'(x): the per-channel affine map goes into the weights and bias
    (exact for an unpadded 1x1 convolution with one group)."""
    for bn in [n for n in g.nodes if n.op_type == "BatchNormalization"]:
        params = [g.const(x) for x in bn.input[1:5]]
        conv = g.sole_user(bn.output[0])
        if (len(bn.output) != 1 or attr(bn, "training_mode", 0) or any(p is None for p in params)
                or conv is None or conv.op_type != "Conv" or conv.input[0] != bn.output[0]
                or not _conv_weight(g, conv) or attr(conv, "group", 1) != 1
                or any(attr(conv, "pads", [0])) or attr(conv, "auto_pad", b"NOTSET") != b"NOTSET"):
            continue
        weight = g.const(conv.input[1])
        has_bias = len(conv.input) > 2 and conv.input[2]
        if (weight.shape[2:] != (1, 1) or weight.shape[1] != params[0].size
                or (has_bias and g.const(conv.input[2]) is None)):
            continue
        gamma, beta, mean, var = (p.astype(np.float64) for p in params)
        a = gamma / np.sqrt(var + attr(bn, "epsilon", 1e-5))
        b = beta - mean * a
        w = weight.astype(np.float64)
        bias = g.const(conv.input[2]).astype(np.float64) if has_bias else 0.0
        new_bias = bias + np.einsum("oi,i->o", w[:, :, 0, 0], b)
        weight_name = g.private_const(conv, 1)
        g.consts[weight_name] = (w * a[None, :, None, None]).astype(np.float32)
        bias_name = g.add_const(f"{conv.name or conv.output[0]}/bias_with_bn", new_bias.astype(np.float32))
        if len(conv.input) > 2:
            conv.input[2] = bias_name
        else:
            conv.input.append(bias_name)
        conv.input[0] = bn.input[0]
        g.nodes.remove(bn)


# ---- driver ---------------------------------------------------------------------------------------

def remove_dead_nodes(g):
    live = set(g.outputs)
    kept = []
    for node in reversed(g.nodes):
        if any(o in live for o in node.output):
            kept.append(node)
            live.update(x for x in node.input if x)
    g.nodes = kept[::-1]


def optimize(model):
    """Returns an optimised copy of `model` (a ModelProto); inputs, outputs and maths unchanged."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    opset = next((o.version for o in out.opset_import if o.domain in ("", "ai.onnx")), 0)
    shapes = static_shapes(out)
    g = Graph(out.graph)
    remove_identities(g)
    remove_identity_reshapes(g, shapes)
    fold_constants(g)
    fold_pads_into_convs(g)
    rewrite_hard_swish(g, opset)
    rewrite_hard_sigmoid(g)
    absorb_scalar_muls(g)
    fold_batchnorm_into_next_conv(g)
    remove_dead_nodes(g)
    g.write_back()
    onnx.checker.check_model(out)
    return out


def optimize_dir(model_dir):
    """Rewrite backbone.onnx and head.onnx of a model directory in place; returns
    {file: (nodes before, nodes after)}."""
    counts = {}
    for name in ("backbone.onnx", "head.onnx"):
        path = os.path.join(model_dir, name)
        model = onnx.load(path)
        optimized = optimize(model)
        counts[name] = (len(model.graph.node), len(optimized.graph.node))
        if optimized.SerializeToString() != model.SerializeToString():
            onnx.save(optimized, path)
    return counts


def main():
    ap = argparse.ArgumentParser(description="Rewrite MODEL_DIR/backbone.onnx and head.onnx in place "
                                 "(exact graph simplifications for ONNX Runtime)")
    ap.add_argument("model_dir")
    args = ap.parse_args()
    for name in ("backbone.onnx", "head.onnx"):
        if not os.path.isfile(os.path.join(args.model_dir, name)):
            print(f"error: {args.model_dir} has no {name}", file=sys.stderr)
            sys.exit(2)
    for name, (before, after) in optimize_dir(args.model_dir).items():
        print(f"{os.path.join(args.model_dir, name)}: {before} -> {after} nodes", file=sys.stderr)


if __name__ == "__main__":
    main()
