"""A small float64 numpy interpreter for the ONNX ops our exported graphs and NanoTrack's use (onnx 1.12
has no reference evaluator and onnxruntime's Python package is not installed): the tests compare graphs
with it and quantize.py calibrates with it."""
import numpy as np
import onnx
from onnx import helper, numpy_helper


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def conv(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1, **_):
    x = np.pad(x, [(0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])])
    n, c, height, width = x.shape
    cout, cin, kh, kw = w.shape
    oh = (height - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (width - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    xg = x.reshape(n, group, cin, height, width)
    wg = w.reshape(group, cout // group, cin, kh, kw)
    out = np.zeros((n, group, cout // group, oh, ow))
    for i in range(kh):
        for j in range(kw):
            top, left = i * dilations[0], j * dilations[1]
            patch = xg[:, :, :, top:top + strides[0] * (oh - 1) + 1:strides[0],
                       left:left + strides[1] * (ow - 1) + 1:strides[1]]
            out += np.einsum("ngchw,goc->ngohw", patch, wg[:, :, :, i, j], optimize=True)
    out = out.reshape(n, cout, oh, ow)
    return out if b is None else out + b.reshape(1, -1, 1, 1)


def pad(x, pads, value=None, mode=b"constant"):
    assert mode == b"constant"
    rank = x.ndim
    fill = 0.0 if value is None else float(value.reshape(()))
    return np.pad(x, [(int(pads[i]), int(pads[i + rank])) for i in range(rank)], constant_values=fill)


def reshape(x, shape, allowzero=0):
    shape = [x.shape[i] if d == 0 and not allowzero else int(d) for i, d in enumerate(shape)]
    return x.reshape(shape)


def slice_(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for a, s, e, st in zip(axes, starts, ends, steps):
        index[int(a)] = slice(int(s), int(e), int(st))
    return x[tuple(index)]


def batch_norm(x, scale, bias, mean, var, epsilon=1e-5, **_):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + epsilon) * scale.reshape(shape) + bias.reshape(shape)


def gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a = a.T if transA else a
    b = b.T if transB else b
    return alpha * (a @ b) + (0 if c is None else beta * c)


def quantize_linear(x, scale, zero_point, axis=1):
    info = np.iinfo(zero_point.dtype)
    shape = [1] * x.ndim
    if scale.ndim:
        shape[axis] = -1
    q = np.rint(x / scale.reshape(shape)) + zero_point.reshape(shape)
    return np.clip(q, info.min, info.max).astype(zero_point.dtype)


def dequantize_linear(q, scale, zero_point=None, axis=1):
    shape = [1] * q.ndim
    if scale.ndim:
        shape[axis] = -1
    zp = 0 if zero_point is None else zero_point.astype(np.float64).reshape(shape)
    return (q.astype(np.float64) - zp) * scale.reshape(shape)


def hard_sigmoid(x, alpha=0.2, beta=0.5):
    return np.clip(alpha * x + beta, 0, 1)


OPS = {
    "Conv": lambda a, *xs: conv(*xs, **a),
    "Pad": lambda a, *xs: pad(*xs, **a),
    "Relu": lambda a, x: np.maximum(x, 0),
    "Clip": lambda a, x, lo=-np.inf, hi=np.inf: np.clip(x, lo, hi),
    "Add": lambda a, x, y: x + y,
    "Mul": lambda a, x, y: x * y,
    "Exp": lambda a, x: np.exp(x),
    "Sigmoid": lambda a, x: 1 / (1 + np.exp(-x)),
    "Gemm": lambda a, *xs: gemm(*xs, **a),
    "MatMul": lambda a, x, y: x @ y,
    "QuantizeLinear": lambda a, *xs: quantize_linear(*xs, **a),
    "DequantizeLinear": lambda a, *xs: dequantize_linear(*xs, **a),
    "Identity": lambda a, x: x,
    "HardSigmoid": lambda a, x: hard_sigmoid(x, **a),
    "HardSwish": lambda a, x: x * hard_sigmoid(x, 1 / 6, 0.5),
    "ReduceMean": lambda a, x: x.mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1))),
    "GlobalAveragePool": lambda a, x: x.mean(axis=(2, 3), keepdims=True),
    "BatchNormalization": lambda a, *xs: batch_norm(*xs, **a),
    "Reshape": lambda a, *xs: reshape(*xs, **a),
    "Slice": lambda a, *xs: slice_(*xs),
    "Concat": lambda a, *xs: np.concatenate(xs, axis=a["axis"]),
    "Transpose": lambda a, x: np.transpose(x, a["perm"]),
    "Cast": lambda a, x: x.astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]]),
    "ConstantOfShape": lambda a, shape: np.full([int(d) for d in shape],
                                                numpy_helper.to_array(a["value"]).reshape(())),
    "Constant": lambda a: numpy_helper.to_array(a["value"]),
}


def run(model, feeds, every_value=False):
    """Evaluate `model` (ModelProto) on {input name: array}; returns {output name: float64 array}, or with
    `every_value` every tensor the graph computes."""
    def wide(v):
        return v.astype(np.float64) if v.dtype.kind == "f" else v

    values = {t.name: wide(numpy_helper.to_array(t)) for t in model.graph.initializer}
    values.update({k: wide(np.asarray(v)) for k, v in feeds.items()})
    for node in model.graph.node:
        args = [values[x] if x else None for x in node.input]
        while args and args[-1] is None:
            args.pop()
        result = OPS[node.op_type](_attrs(node), *args)
        values[node.output[0]] = wide(np.asarray(result))
    return values if every_value else {o.name: values[o.name] for o in model.graph.output}
