"""Static int8 (QDQ) variant of a model directory, for ONNX Runtime's CPU kernels:

  /usr/bin/python3 src/train/quantize.py models/siamtrack-v3s --out out/siamtrack-v3s-int8
  /usr/bin/python3 src/train/quantize.py ../shared/models/reference/nanotrack-v2 --out out/nanotrack-v2-int8

Calibration: template (127) and search crops (the card's instance size) cut from training frames around
their ground-truth boxes exactly as the engine cuts them (data/crops.py), run through the float backbone and head
by the numpy interpreter (onnx_tools/onnx_numpy.py); every tensor's min/max over all crops is its range.

Rewrite: every Conv with constant weights gets QuantizeLinear/DequantizeLinear pairs on its input and on its
output (after a following Relu, which ONNX Runtime then drops), weights int8 per output channel, symmetric,
7 bits (|q| <= 63: AVX2 without VNNI multiplies u8 x s8 pairs into saturating int16), bias int32 at input scale
x weight scale; activations uint8, asymmetric. ONNX Runtime fuses each DQ -> Conv -> Q group into one
QLinearConv. The correlation (a Conv or MatMul with computed weights) and everything else stays float, and so
do the head's convolutions that produce its outputs (scores and boxes directly, or through Clip/Exp/Mul) and
the backbone's first --float-first convolutions (default 2: the stem and the first depthwise conv).
"""
import argparse
import json
import os
import random
import sys
from collections import defaultdict

import numpy as np
import onnx
from onnx import helper, numpy_helper
from PIL import Image

from siamtrack_train.data.crops import context_side, crop, mean_colour
from siamtrack_train.data.sequences import check_not_dev, discover_sequences, held_out
from siamtrack_train.onnx_tools import onnx_numpy
from siamtrack_train.settings import CALIBRATION_DATA, EXEMPLAR

WEIGHT_MAX = 63
# ONNX Runtime's depthwise u8s8 kernel accumulates in int32 directly: no saturation, full 8 bits
DEPTHWISE_WEIGHT_MAX = 127
ACTIVATIONS_DROPPED_BY_Q = ("Relu",)
FLOAT_TAIL_OPS = ("Relu", "Clip", "Exp", "Mul", "Sigmoid")
# The stem and the first depthwise conv see raw-pixel-scale activations; uint8 noise there, amplified by the
# rest of the trunk, moved the features of both our model and NanoTrack v2 by ~60% (RMS), against ~35% / ~27%
# with these two kept float.
FLOAT_FIRST = 2
# Post-processing of cardless (NanoTrack) directories, as the Java engine recognises them (ModelCard.nanoTrack).
NANOTRACK_HYPER = {1: (0.462, 0.148, 0.390), 2: (0.490, 0.150, 0.385), 3: (0.455, 0.138, 0.348)}


class QuantizeError(Exception):
    """A problem with the user's input (exit code 2)."""


# ---------------------------------------------------------------- calibration

def calibration_crops(train_root, instance, pairs, seed=0, max_gap=10):
    """`pairs` (template, search) crops as the engine feeds them: planar CHW float BGR 0..255, batch 1.
    The template is cut around frame f's ground truth, the search crop from frame f + 1..max_gap centred on
    frame f's box (where the tracker would look), search side = template side * instance / 127."""
    check_not_dev(train_root)
    # the validation split decides whether the int8 model ships: its frames must not set the ranges either
    sequences = [s for s in held_out(discover_sequences(train_root))[0] if len(s) > 1]
    if not sequences:
        raise QuantizeError(f"{train_root}: no OTB or GOT-10k sequences to calibrate on")
    rng = random.Random(seed)
    crops = []
    attempts = 0
    while len(crops) < pairs and attempts < pairs * 50:
        attempts += 1
        seq = sequences[len(crops) % len(sequences)] if attempts <= pairs else rng.choice(sequences)
        f = rng.randrange(len(seq) - 1)
        g = min(len(seq) - 1, f + rng.randint(1, max_gap))
        box = seq.boxes[f]
        if np.isnan(box).any() or box[2] < 8 or box[3] < 8:
            continue
        x, y, w, h = box
        cx, cy, side = x + w / 2, y + h / 2, context_side(w, h)
        first = Image.open(seq.frames[f]).convert("RGB")
        fill = mean_colour(first)
        template = crop(first, cx, cy, side, EXEMPLAR, fill)
        search = crop(Image.open(seq.frames[g]).convert("RGB"), cx, cy, side * instance / EXEMPLAR,
                           instance, fill)
        crops.append((bgr_chw(template), bgr_chw(search)))
    if len(crops) < pairs:
        raise QuantizeError(f"{train_root}: found only {len(crops)} usable frames for {pairs} calibration pairs")
    return crops


def bgr_chw(img):
    return np.asarray(img, dtype=np.float32)[:, :, ::-1].transpose(2, 0, 1)[None].copy()


def graph_inputs(model):
    constants = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in constants]


def calibrate(backbone, head, crops):
    """Per-tensor (min, max) over all crops: {tensor: [lo, hi]} for backbone and for head."""
    (bb_in,), (bb_out,) = graph_inputs(backbone), [o.name for o in backbone.graph.output]
    template_name, search_name = graph_inputs(head)
    ranges = ({}, {})

    def track(table, values):
        for name, v in values.items():
            if v.dtype.kind != "f" or v.size == 0:
                continue
            lo, hi = float(v.min()), float(v.max())
            old = table.get(name)
            table[name] = [lo, hi] if old is None else [min(old[0], lo), max(old[1], hi)]

    for template, search in crops:
        z = onnx_numpy.run(backbone, {bb_in: template}, every_value=True)
        x = onnx_numpy.run(backbone, {bb_in: search}, every_value=True)
        track(ranges[0], z)
        track(ranges[0], x)
        track(ranges[1], onnx_numpy.run(head, {template_name: z[bb_out], search_name: x[bb_out]}, every_value=True))
    return ranges


# ---------------------------------------------------------------- QDQ rewrite

def attribute(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def activation_params(lo, hi):
    """uint8 asymmetric scale and zero point of a range (widened to contain 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


def quantize_graph(model, ranges, float_outputs, float_first=0):
    """Returns a copy of `model` with QDQ around its constant-weight convolutions (see the module doc).
    With `float_outputs`, convolutions that feed a graph output (through FLOAT_TAIL_OPS) stay float, and so
    do the first `float_first` convolutions in graph order."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    consumers = defaultdict(list)
    for node in g.node:
        for i, name in enumerate(node.input):
            consumers[name].append((node, i))
    outputs = {o.name for o in g.output}

    def feeds_output(tensor):
        seen = set()
        while tensor not in outputs:
            users = consumers[tensor]
            if len(users) != 1 or users[0][0].op_type not in FLOAT_TAIL_OPS or tensor in seen:
                return False
            seen.add(tensor)
            tensor = users[0][0].output[0]
        return True

    def quantized_output(conv):
        tensor = conv.output[0]
        users = consumers[tensor]
        if tensor not in outputs and len(users) == 1 and users[0][0].op_type in ACTIVATIONS_DROPPED_BY_Q:
            return users[0][0].output[0]
        return tensor

    convs = [n for n in g.node if n.op_type == "Conv" and n.input[1] in inits
             and (len(n.input) < 3 or not n.input[2] or n.input[2] in inits)
             and not (float_outputs and feeds_output(n.output[0]))]
    convs = convs[float_first:]
    activations = []
    for conv in convs:
        for tensor in (conv.input[0], quantized_output(conv)):
            if tensor not in activations:
                if tensor not in ranges:
                    raise QuantizeError(f"no calibration range for tensor {tensor}")
                activations.append(tensor)

    new_inits = []
    params = {}
    for tensor in activations:
        scale, zero = activation_params(*ranges[tensor])
        params[tensor] = scale
        new_inits += [numpy_helper.from_array(np.array(scale), tensor + "_scale"),
                      numpy_helper.from_array(np.array(zero), tensor + "_zero_point")]

    def qdq_nodes(tensor):
        source = tensor
        if tensor in outputs:
            source = tensor + "_float"
            for node in g.node:
                node.output[:] = [source if o == tensor else o for o in node.output]
        for node, i in consumers[tensor]:
            node.input[i] = tensor + "_dequantized"
        dq_out = tensor if tensor in outputs else tensor + "_dequantized"
        return [helper.make_node("QuantizeLinear", [source, tensor + "_scale", tensor + "_zero_point"],
                                 [tensor + "_quantized"], name=tensor + "_QuantizeLinear"),
                helper.make_node("DequantizeLinear", [tensor + "_quantized", tensor + "_scale",
                                                      tensor + "_zero_point"],
                                 [dq_out], name=tensor + "_DequantizeLinear")]

    weight_nodes = {}
    replaced = set()
    for conv in convs:
        w = numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        depthwise = w.shape[1] == 1 and attribute(conv, "group", 1) == w.shape[0] > 1
        limit = DEPTHWISE_WEIGHT_MAX if depthwise else WEIGHT_MAX
        w_scale = np.abs(w.reshape(w.shape[0], -1)).max(axis=1) / limit
        if len(conv.input) > 2 and conv.input[2]:
            # keep the int32 bias in range where a channel's weights are (nearly) all zero
            b = numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64)
            w_scale = np.maximum(w_scale, np.abs(b) / (float(params[conv.input[0]]) * 2.0 ** 30))
        w_scale[w_scale == 0] = 1.0
        shape = (-1,) + (1,) * (w.ndim - 1)
        wq = np.clip(np.rint(w / w_scale.reshape(shape)), -limit, limit).astype(np.int8)
        base = conv.output[0] + "_W"
        new_inits += [numpy_helper.from_array(wq, base + "_quantized"),
                      numpy_helper.from_array(w_scale.astype(np.float32), base + "_scale"),
                      numpy_helper.from_array(np.zeros(w.shape[0], np.int8), base + "_zero_point")]
        nodes = [helper.make_node("DequantizeLinear", [base + "_quantized", base + "_scale", base + "_zero_point"],
                                  [base + "_dequantized"], axis=0, name=base + "_DequantizeLinear")]
        replaced.add(conv.input[1])
        conv.input[1] = base + "_dequantized"
        if len(conv.input) > 2 and conv.input[2]:
            b_scale = (float(params[conv.input[0]]) * w_scale).astype(np.float32)
            bq = np.rint(b / b_scale.astype(np.float64)).astype(np.int32)
            bias = conv.output[0] + "_B"
            new_inits += [numpy_helper.from_array(bq, bias + "_quantized"),
                          numpy_helper.from_array(b_scale, bias + "_scale"),
                          numpy_helper.from_array(np.zeros(b.shape[0], np.int32), bias + "_zero_point")]
            nodes.append(helper.make_node("DequantizeLinear", [bias + "_quantized", bias + "_scale",
                                                               bias + "_zero_point"],
                                          [bias + "_dequantized"], axis=0, name=bias + "_DequantizeLinear"))
            replaced.add(conv.input[2])
            conv.input[2] = bias + "_dequantized"
        weight_nodes[id(conv)] = nodes

    original = list(g.node)
    produced_by = {o: node for node in original for o in node.output}
    after = defaultdict(list)
    first = []
    for tensor in activations:
        nodes = qdq_nodes(tensor)
        (after[id(produced_by[tensor])] if tensor in produced_by else first).extend(nodes)
    ordered = list(first)
    for node in original:
        ordered += weight_nodes.get(id(node), [])
        ordered.append(node)
        ordered += after.get(id(node), [])
    del g.node[:]
    g.node.extend(ordered)
    still_used = {name for node in ordered for name in node.input}
    kept = [t for t in g.initializer if t.name not in replaced or t.name in still_used]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    del g.value_info[:]
    onnx.checker.check_model(model)
    return model, len(convs), len(activations)


# ---------------------------------------------------------------- model directories

def source_card(model_dir, backbone, head):
    """The source's model.json, or for a cardless (NanoTrack) directory the card the engine would recognise."""
    path = os.path.join(model_dir, "model.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    channels = backbone.graph.output[0].type.tensor_type.shape.dim[1].dim_value
    score_size = head.graph.output[0].type.tensor_type.shape.dim[2].dim_value
    name = os.path.basename(os.path.normpath(os.path.abspath(model_dir)))
    version = 3 if channels == 96 or score_size == 15 else 1 if "v1" in name.lower() else 2
    wi, k, lr = NANOTRACK_HYPER[version]
    return {"name": name, "family": f"nanotrack-v{version}", "format_version": 1, "exemplar_size": 127,
            "instance_size": 255, "stride": 16, "score_size": score_size, "grid_origin": -(score_size // 2) * 16,
            "channel_order": "BGR", "normalize": {"scale": 1.0, "mean": [0, 0, 0], "std": [1, 1, 1]},
            "score_activation": "softmax2",
            "hyper": {"window_influence": wi, "penalty_k": k, "lr": lr, "lost_threshold": 0.9,
                      "uncertain_threshold": 0.97},
            "provenance": {"source": f"NanoTrack v{version} (third-party weights, recognised from the I/O shapes)"}}


def check_pixels(card):
    norm = card.get("normalize", {})
    identity = (norm.get("scale", 1.0) == 1.0 and list(norm.get("mean", [0, 0, 0])) == [0, 0, 0]
                and list(norm.get("std", [1, 1, 1])) == [1, 1, 1] and card.get("channel_order", "BGR") == "BGR")
    if not identity:
        raise QuantizeError("calibration crops are raw BGR 0..255; this card asks for other pixels "
                            "(channel_order / normalize)")


def quantize_dir(model_dir, out_dir, crops=None, train_root=None, pairs=32, seed=0, float_first=FLOAT_FIRST):
    """Writes the int8 variant of `model_dir` to `out_dir`; `crops` (template, search) pairs or training
    frames under `train_root` to calibrate. Returns the card written."""
    for name in ("backbone.onnx", "head.onnx"):
        if not os.path.isfile(os.path.join(model_dir, name)):
            raise QuantizeError(f"{model_dir}: missing {name} (not a model directory)")
    backbone = onnx.load(os.path.join(model_dir, "backbone.onnx"))
    head = onnx.load(os.path.join(model_dir, "head.onnx"))
    card = source_card(model_dir, backbone, head)
    if card.get("quantized"):
        raise QuantizeError(f"{model_dir}: already quantized ({card['quantized']})")
    check_pixels(card)
    instance = int(card.get("instance_size", 255))
    calibration = {"pairs": len(crops) if crops is not None else pairs, "ranges": "min/max per tensor",
                   "crops": f"template 127 + search {instance} as the engine crops them "
                            "(src/train/siamtrack_train/data/crops.py)"}
    if crops is None:
        crops = calibration_crops(train_root, instance, pairs, seed)
        calibration.update(source=os.path.abspath(train_root), seed=seed,
                           sampling="one frame pair per training sequence in name order, then random ones; "
                                    "search frame 1..10 frames after the template's, centred on its box")
    ranges = calibrate(backbone, head, crops)
    qbackbone, bconvs, _ = quantize_graph(backbone, ranges[0], float_outputs=False, float_first=float_first)
    qhead, hconvs, _ = quantize_graph(head, ranges[1], float_outputs=True)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(qbackbone, os.path.join(out_dir, "backbone.onnx"))
    onnx.save(qhead, os.path.join(out_dir, "head.onnx"))
    card = dict(card, name=os.path.basename(os.path.normpath(os.path.abspath(out_dir))), quantized="int8")
    card["quantization"] = {
        "source": os.path.abspath(model_dir),
        "format": "static QDQ (QuantizeLinear/DequantizeLinear); ONNX Runtime fuses them into QLinearConv",
        "weights": f"int8 per output channel, symmetric, |q| <= {WEIGHT_MAX} (7 bits)",
        "activations": "uint8 per tensor, asymmetric",
        "quantized_convs": {"backbone": bconvs, "head": hconvs},
        "float": f"the backbone's first {float_first} convolutions, the correlation, everything that is not a "
                 "Conv with constant weights, and the head's output convolutions",
        "calibration": calibration,
        "tool": "src/train/quantize.py"}
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    return card


def main():
    ap = argparse.ArgumentParser(
        description="Write the static int8 (QDQ) variant of a model directory",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples (from the repository root):\n"
               "  /usr/bin/python3 src/train/quantize.py models/siamtrack-v3s --out out/siamtrack-v3s-int8\n"
               "  /usr/bin/python3 src/train/quantize.py ../shared/models/reference/nanotrack-v2 "
               "--out out/nanotrack-v2-int8")
    ap.add_argument("model_dir", help="model directory (backbone.onnx, head.onnx, optional model.json)")
    ap.add_argument("--out", help="directory to write (default: MODEL_DIR-int8)")
    ap.add_argument("--train", default=CALIBRATION_DATA,
                    help="training sequences to calibrate on (default: %(default)s; never dev)")
    ap.add_argument("--pairs", type=int, default=32, help="calibration crop pairs (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--float-first", type=int, default=FLOAT_FIRST,
                    help="backbone convolutions (in graph order) kept float (default: %(default)s)")
    ap.add_argument("--force", action="store_true", help="overwrite an existing output directory")
    args = ap.parse_args()
    out = args.out or os.path.normpath(args.model_dir) + "-int8"
    try:
        if args.pairs < 1:
            raise QuantizeError("--pairs must be at least 1")
        if not os.path.isdir(args.train):
            raise QuantizeError(f"--train {args.train}: not a directory")
        if os.path.exists(out) and not args.force:
            raise QuantizeError(f"{out} exists (use --force to overwrite)")
        if args.float_first < 0:
            raise QuantizeError("--float-first must be at least 0")
        card = quantize_dir(args.model_dir, out, train_root=args.train, pairs=args.pairs, seed=args.seed,
                            float_first=args.float_first)
    except (QuantizeError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    q = card["quantization"]
    print(f"wrote {out}: {q['quantized_convs']['backbone']} backbone and {q['quantized_convs']['head']} head "
          f"convolutions int8, calibrated on {q['calibration']['pairs']} crop pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
