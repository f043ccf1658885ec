"""Distil a lighter student from a trained model directory (the teacher).

usage:
  /usr/bin/python3 src/train/distill.py --teacher TEACHER_DIR --out DIR --drop 2,5,9,11 --narrow 1=32 --minutes 60

The student is the teacher's own exported backbone graph made cheaper, so it starts from the
teacher's weights instead of from scratch:
- `--drop B,...` removes residual trunk blocks (their output becomes their input: the block adds
  nothing, the rest of the trunk still fits);
- `--narrow B=W` keeps the W expansion channels of block B that carry most weight (|expand| x
  |project|), shrinking the costly high-resolution 1x1 convolutions.
Both graphs run in PyTorch through `GraphModule` (an interpreter of the exported ops whose
initializers are parameters), and training writes the trained tensors back into the same ONNX
graphs, so the exported student is exactly what was trained, with no second export.

Losses per pair (crops made exactly as the engine makes them, data.PairSampler): the teacher's
backbone features (template and search, MSE relative to their mean square), its score map (BCE
on its target probability) and boxes (L1 on log ltrb where it sees the target), and the usual
ground-truth losses (focal score, or balanced BCE with --score-loss bce; GIoU box). The head stays
the teacher's: the student learns to produce features the trained head already reads.
"""
import argparse
import json
import math
import os
import shutil
import signal
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper

from siamtrack_train.data.loader import PairStream, collate
from siamtrack_train.data.sequences import check_not_dev, discover_sequences, held_out, read_static
from siamtrack_train.losses import box_loss, make_targets, score_loss
from siamtrack_train.models import nanotrack
from siamtrack_train.models.siamtracker import STRIDE, cell_points
from siamtrack_train.settings import DEFAULT_DATA, DISTILL_DEFAULTS, TRAIN_DEFAULTS


# ---------------------------------------------------------------- graph surgery

def _block_nodes(graph, block):
    prefix = f"/trunk/blocks.{block}/"
    return [n for n in graph.node if n.name.startswith(prefix)]


def drop_blocks(model, blocks):
    """Remove residual trunk blocks from an exported backbone graph (in place)."""
    graph = model.graph
    for block in blocks:
        nodes = _block_nodes(graph, block)
        adds = [n for n in nodes if n.op_type == "Add" and n.name == f"/trunk/blocks.{block}/Add"]
        if not adds:
            raise ValueError(f"trunk block {block} is not a residual block of this graph (only those can be dropped)")
        nanotrack.bypass(graph, {n.name for n in nodes}, adds[0].output[0], adds[0].input[0])
    nanotrack.prune_initializers(graph)
    return model


def narrow_block(model, block, width):
    """Keep the `width` most weighted expansion channels of trunk block `block` (in place)."""
    graph = model.graph
    nodes = _block_nodes(graph, block)
    if any("/se/" in n.name for n in nodes):
        raise ValueError(f"trunk block {block} has squeeze-excite; only plain blocks can be narrowed")
    expand = [n for n in nodes if n.op_type == "Conv" and "/expand/" in n.name]
    depthwise = [n for n in nodes if n.op_type == "Conv" and "/depthwise/" in n.name]
    project = [n for n in nodes if n.op_type == "Conv" and n.name.endswith("/project/Conv")]
    if not (expand and depthwise and project):
        raise ValueError(f"trunk block {block} has no expansion to narrow")
    inits = {i.name: i for i in graph.initializer}

    def get(name):
        return numpy_helper.to_array(inits[name])

    def put(name, array):
        inits[name].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))

    ex, dw, pr = expand[0], depthwise[0], project[0]
    channels = get(ex.input[1]).shape[0]
    if not 0 < width < channels:
        raise ValueError(f"block {block}: width {width} must be between 1 and {channels - 1}")
    weight = np.abs(get(pr.input[1])).sum(axis=(0, 2, 3)) * np.abs(get(ex.input[1])).sum(axis=(1, 2, 3))
    keep = np.sort(np.argsort(-weight)[:width])
    for node in (ex, dw):
        put(node.input[1], get(node.input[1])[keep])
        put(node.input[2], get(node.input[2])[keep])
    put(pr.input[1], get(pr.input[1])[:, keep])
    for attr in dw.attribute:
        if attr.name == "group":
            attr.i = width
    return model


def conv_macs(model, size):
    """Multiply-adds of the backbone's convolutions on one size x size crop."""
    inferred = onnx.shape_inference.infer_shapes(_with_input_size(model, size))
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    inits = {i.name: i.dims for i in model.graph.initializer}
    total = 0
    for n in inferred.graph.node:
        if n.op_type == "Conv" and n.input[1] in inits:
            out = shapes[n.output[0]]
            total += out[2] * out[3] * math.prod(inits[n.input[1]])
    return total


def _with_input_size(model, size):
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    for dim, value in zip(copy.graph.input[0].type.tensor_type.shape.dim, (1, 3, size, size)):
        dim.Clear()
        dim.dim_value = value
    return copy


# ---------------------------------------------------------------- graphs in PyTorch

class GraphModule(nn.Module):
    """Runs one of our exported graphs (backbone or head) in PyTorch, batched, with its float
    initializers as parameters. The head's correlation (a Conv whose weights are the template)
    runs per sample, as the engine's batched graph does."""

    def __init__(self, model):
        super().__init__()
        self.graph = model.graph
        self.params = nn.ParameterDict()
        self.constants = {}
        self.names = {}
        for init in model.graph.initializer:
            array = numpy_helper.to_array(init)
            if array.dtype == np.float32 and array.ndim >= 1 and not init.name.startswith("/"):
                key = f"p{len(self.params)}"
                self.names[init.name] = key
                self.params[key] = nn.Parameter(torch.from_numpy(array.copy()))
            else:
                self.constants[init.name] = torch.from_numpy(array.copy())
        for node in model.graph.node:  # Constant nodes (shapes, clip bounds)
            if node.op_type == "Constant":
                self.constants[node.output[0]] = torch.from_numpy(
                    numpy_helper.to_array(node.attribute[0].t).copy())
        self.inputs = [i.name for i in model.graph.input if i.name not in self.constants
                       and i.name not in self.names]
        self.outputs = [o.name for o in model.graph.output]

    def value(self, values, name):
        if name in values:
            return values[name]
        if name in self.names:
            return self.params[self.names[name]]
        return self.constants[name]

    def forward(self, *inputs, taps=()):
        """The graph's outputs, then the intermediate tensors named in `taps`."""
        values = dict(zip(self.inputs, inputs))
        reshaped_from = {}
        for node in self.graph.node:
            if node.op_type == "Constant":
                continue
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            args = [self.value(values, name) if name else None for name in node.input]
            op = node.op_type
            if op == "Conv":
                out = self._conv(node, args, attrs, values, reshaped_from)
            elif op == "Relu":
                out = F.relu(args[0])
            elif op == "HardSwish":
                out = F.hardswish(args[0])
            elif op == "HardSigmoid":
                out = torch.clamp(attrs.get("alpha", 0.2) * args[0] + attrs.get("beta", 0.5), 0.0, 1.0)
            elif op == "Mul":
                out = args[0] * args[1]
            elif op == "Add":
                out = args[0] + args[1]
            elif op == "ReduceMean":
                out = args[0].mean(dim=tuple(attrs["axes"]), keepdim=bool(attrs.get("keepdims", 1)))
            elif op == "Reshape":
                out = self._reshape(node, args, reshaped_from)
            elif op == "GlobalAveragePool":
                out = args[0].mean(dim=(2, 3), keepdim=True)
            elif op == "Gemm":
                a = args[0].t() if attrs.get("transA", 0) else args[0]
                b = args[1].t() if attrs.get("transB", 0) else args[1]
                out = attrs.get("alpha", 1.0) * (a @ b)
                if len(args) > 2 and args[2] is not None:
                    out = out + attrs.get("beta", 1.0) * args[2]
            elif op == "Sigmoid":
                out = torch.sigmoid(args[0])
            elif op == "Transpose":
                out = args[0].permute(*attrs["perm"])
            elif op == "MatMul":
                out = args[0] @ args[1]
            elif op == "Concat":
                out = torch.cat(args, dim=attrs["axis"])
            elif op == "Slice":
                out = args[0]
                steps = args[4] if len(args) > 4 else torch.ones_like(args[1])
                for start, end, axis, step in zip(args[1].tolist(), args[2].tolist(), args[3].tolist(),
                                                  steps.tolist()):
                    out = out.narrow(axis, start, len(range(start, min(end, out.shape[axis]), step)))
            elif op == "Clip":
                out = torch.clamp(args[0], float(args[1]), float(args[2]))
            elif op == "Exp":
                out = torch.exp(args[0])
            else:
                raise ValueError(f"op {op} ({node.name}) is not supported by GraphModule")
            values[node.output[0]] = out
        return [values[name] for name in self.outputs] + [values[name] for name in taps]

    @staticmethod
    def _reshape(node, args, reshaped_from):
        """Batch-1 reshapes (a target starting with 1: squeeze-excite's view(1, C), a correlation's
        view(1, C, -1)) keep each sample's batch index; any other target turns a sample's template into
        correlation weights, which only the correlation reads, from its source (see _conv)."""
        x, shape = args[0], [int(v) for v in args[1].tolist()]
        if shape[0] == 1:
            return x.reshape(x.shape[0], *shape[1:])
        reshaped_from[node.output[0]] = node.input[0]
        return None

    def _conv(self, node, args, attrs, values, reshaped_from):
        x, w = args[0], args[1]
        pads = attrs.get("pads", [0, 0, 0, 0])
        if pads[0] != pads[2] or pads[1] != pads[3]:
            x = F.pad(x, (pads[1], pads[3], pads[0], pads[2]))
            padding = (0, 0)
        else:
            padding = (pads[0], pads[1])
        if node.input[1] in reshaped_from:  # depthwise correlation with each sample's template
            template = values[reshaped_from[node.input[1]]]
            b, c, h, width = x.shape
            out = F.conv2d(x.reshape(1, b * c, h, width), template.reshape(b * c, 1, *template.shape[2:]),
                           padding=padding, groups=b * c)
            return out.reshape(b, c, out.shape[2], out.shape[3])
        return F.conv2d(x, w, args[2] if len(args) > 2 else None, tuple(attrs.get("strides", [1, 1])),
                        padding, tuple(attrs.get("dilations", [1, 1])), attrs.get("group", 1))


# ---------------------------------------------------------------- training

def hint_points(teacher_model, student_model):
    """Where the student's trunk is also taught from inside: the outputs of the blocks that change
    width (no residual), which both graphs compute under the same names. Matching them gives the
    early blocks, which lost a neighbour or channels, a direct signal instead of one through the
    whole trunk."""
    def width_changing_outputs(model):
        outputs = {o for n in model.graph.node for o in n.output if n.name.endswith("/project/Conv")}
        added = {n.input[1] for n in model.graph.node if n.op_type == "Add" and n.name.startswith("/trunk/")}
        return outputs - added

    return sorted(width_changing_outputs(teacher_model) & width_changing_outputs(student_model))


def relative_mse(student, teacher):
    return F.mse_loss(student, teacher) / teacher.pow(2).mean().clamp(min=1e-6)


def distill_losses(teacher_bb, head, student_bb, batch, weights, hints=(), student_head=None, trim=0, points=None,
                   score_kind="focal"):
    """Losses of one batch. `student_head` (default: the teacher's `head`, unchanged) scores the student's
    features; `trim` pixels are cut from every side of the student's search crops (a smaller search
    region, trim a multiple of the stride), so its maps are the teacher's central cells; `points` are
    the student's cell offsets (default: our own grid for its crop size); `score_kind` the ground-truth score
    loss (losses.score_loss)."""
    student_head = head if student_head is None else student_head
    cells = trim // STRIDE
    instance_s = batch["instance"][..., trim:batch["instance"].shape[-1] - trim, trim:batch["instance"].shape[-1] - trim]

    def central(t):
        return t[..., cells:t.shape[-2] - cells, cells:t.shape[-1] - cells] if cells else t

    with torch.no_grad():
        zt, = teacher_bb(batch["exemplar"])
        xt, *hint_t = teacher_bb(batch["instance"], taps=hints)
        cls_t, ltrb_t = head(zt, xt)
        xt, cls_t, ltrb_t = central(xt), central(cls_t), central(ltrb_t)
        hint_t = [central(h) for h in hint_t]
        p_t = torch.softmax(cls_t, dim=1)[:, 1]
    zs, = student_bb(batch["exemplar"])
    xs, *hint_s = student_bb(instance_s, taps=hints)
    cls_s, ltrb_s = student_head(zs, xs)
    margin_s = cls_s[:, 1] - cls_s[:, 0]
    seen = p_t.detach()
    losses = {
        "feature": relative_mse(zs, zt) + relative_mse(xs, xt),
        "hint": sum((relative_mse(a, b) for a, b in zip(hint_s, hint_t)), torch.zeros(())) / max(len(hints), 1),
        "kd_score": F.binary_cross_entropy_with_logits(margin_s, p_t),
        "kd_box": ((torch.log(ltrb_s) - torch.log(ltrb_t)).abs().mean(dim=1) * seen).sum() / seen.sum().clamp(min=1.0),
    }
    if points is None:
        points = cell_points(instance_s.shape[-1])
    # ground-truth terms on labelled pairs only (unlabelled ones have no target, not an absent one)
    labelled = batch["labelled"]
    if labelled.any():
        targets = [t for t, known in zip(batch["target"], labelled.tolist()) if known]
        labels, ltrb_gt = make_targets(targets, points, STRIDE)
        positive = labels == 1
        losses["score"] = score_loss(cls_s[labelled], labels, score_kind)
        losses["box"] = box_loss(ltrb_s[labelled].permute(0, 2, 3, 1)[positive], ltrb_gt[positive], "giou")
    else:
        losses["score"] = losses["box"] = torch.zeros(())
    total = sum(weights.get(k, 0.0) * v for k, v in losses.items())
    return total, losses


def _write_back(module, model):
    names = {key: name for name, key in module.names.items()}
    trained = {names[key]: p.detach().numpy() for key, p in module.params.items()}
    for init in model.graph.initializer:
        if init.name in trained:
            init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(trained[init.name], dtype=np.float32), init.name))
    onnx.checker.check_model(model)


def write_student(student_bb, student_model, teacher_dir, out_dir, card, student_head=None, head_model=None):
    """Trained tensors back into the student's ONNX graphs; without a student head, the teacher's head is
    copied."""
    _write_back(student_bb, student_model)
    graphs = [("backbone.onnx", student_model)]
    if student_head is not None:
        _write_back(student_head, head_model)
        graphs.append(("head.onnx", head_model))
    os.makedirs(out_dir, exist_ok=True)
    for name, model in graphs:
        partial = os.path.join(out_dir, name + ".partial")
        onnx.save(model, partial)
        os.replace(partial, os.path.join(out_dir, name))
    if student_head is None:
        shutil.copyfile(os.path.join(teacher_dir, "head.onnx"), os.path.join(out_dir, "head.onnx"))
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


def parse_narrow(text):
    out = []
    for item in filter(None, (text or "").split(",")):
        block, _, width = item.partition("=")
        if not (block.strip().isdigit() and width.strip().isdigit()):
            raise argparse.ArgumentTypeError(f"--narrow wants BLOCK=WIDTH[,...], got {item!r}")
        out.append((int(block), int(width)))
    return out


def parse_blocks(text):
    try:
        return [int(b) for b in filter(None, (text or "").split(","))]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--drop wants block numbers like 2,5,9, got {text!r}")


def build_student(teacher_dir, drop, narrow):
    model = onnx.load(os.path.join(teacher_dir, "backbone.onnx"))
    drop_blocks(model, drop)
    for block, width in narrow:
        narrow_block(model, block, width)
    return model


class Student:
    """What is trained: the student's backbone (and, cut from a NanoTrack v3 teacher, its head) with the
    geometry that maps its crops and cells onto the teacher's."""

    def __init__(self, backbone_model, head_model=None, trim=0, points=None, architecture=None):
        self.backbone_model, self.head_model = backbone_model, head_model
        self.backbone = GraphModule(backbone_model)
        self.head = GraphModule(head_model) if head_model is not None else None
        self.trim, self.points, self.architecture = trim, points, architecture

    def parameters(self):
        return list(self.backbone.parameters()) + (list(self.head.parameters()) if self.head else [])


def v3_student(teacher_dir, args, earlier):
    if earlier:
        architecture = earlier["student"]
        backbone = onnx.load(os.path.join(args.continue_from, "backbone.onnx"))
        head = onnx.load(os.path.join(args.continue_from, "head.onnx"))
    else:
        backbone, head = nanotrack.load_pair(teacher_dir)
        nanotrack.drop_residual_blocks(backbone, args.drop_residual)
        nanotrack.drop_tower_layers(head, args.drop_tower_layers)
        nanotrack.set_search_size(head, args.search)
        architecture = {"dropped_residual_blocks": args.drop_residual, "dropped_tower_layers": args.drop_tower_layers,
                        "search": args.search,
                        "macs_per_crop": {"teacher_backbone": conv_macs(nanotrack.load_pair(teacher_dir)[0], 255),
                                          "student_backbone": conv_macs(backbone, args.search)}}
    search = architecture["search"]
    size, origin = nanotrack.score_geometry(search)
    points = origin + STRIDE * torch.arange(size, dtype=torch.float32)
    return Student(backbone, head, (255 - search) // 2, points, architecture)


def main():
    ap = argparse.ArgumentParser(description="Distil a lighter student from a trained SiamTrack model directory "
                                 "or from NanoTrack v3's graphs")
    ap.add_argument("--teacher", required=True, help="trained model directory (backbone.onnx, head.onnx, model.json), "
                    "or a NanoTrack v3 directory (backbone.onnx, head.onnx)")
    ap.add_argument("--out", required=True, help="student model directory to write")
    ap.add_argument("--name", help="model name in the card (default: the --out folder's name)")
    ap.add_argument("--drop", type=parse_blocks, default=[], help="residual trunk blocks to remove, e.g. 2,5,9,11")
    ap.add_argument("--narrow", type=parse_narrow, default=[], help="BLOCK=WIDTH expansion widths, e.g. 1=32")
    ap.add_argument("--drop-residual", type=parse_blocks, default=[],
                    help="NanoTrack v3 teacher: residual backbone blocks to remove (0-3, graph order), e.g. 2,3")
    ap.add_argument("--drop-tower-layers", type=parse_blocks, default=[],
                    help="NanoTrack v3 teacher: layers (0-5) to remove from both head towers, e.g. 1,3,5")
    ap.add_argument("--search", type=int, default=255,
                    help="NanoTrack v3 teacher: the student's search crop size (255 - 32k), e.g. 223")
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget")
    ap.add_argument("--save-minutes", type=float, default=10.0, help="write the student every so many minutes")
    ap.add_argument("--iters", type=int, default=DISTILL_DEFAULTS["iters"], help="length of the cosine schedule")
    ap.add_argument("--batch", type=int, default=DISTILL_DEFAULTS["batch"])
    ap.add_argument("--lr", type=float, default=DISTILL_DEFAULTS["lr"])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ground-truth-weight", type=float, default=1.0,
                    help="scales the ground-truth terms (score, GIoU box); 0 learns from the teacher alone")
    ap.add_argument("--score-loss", choices=("focal", "bce"), default="focal",
                    help="ground-truth score loss: focal (default) or bce, balanced positives / negatives, the kind "
                    "of loss NanoTrack's weights were trained with")
    ap.add_argument("--continue-from", metavar="DIR",
                    help="a student directory written by an earlier run: train it further (its card's stages are kept)")
    ap.add_argument("--cutout-share", type=float, default=0.0,
                    help="share of pairs whose instance is the target cut out and pasted onto another frame, "
                    "with other cut-outs as look-alikes (data.PairSampler.composite)")
    ap.add_argument("--motion-blur", type=float, default=0.0, help="share of instance crops with motion blur")
    ap.add_argument("--unlabelled-share", type=float, default=0.0,
                    help="share of pairs made around a random box instead of the labelled target: learnt from the "
                    "teacher's features, scores and boxes only")
    args = ap.parse_args()

    v3 = nanotrack.is_v3(args.teacher)
    needed = ("backbone.onnx", "head.onnx") if v3 else ("backbone.onnx", "head.onnx", "model.json")
    for f in needed:
        if not os.path.isfile(os.path.join(args.teacher, f)):
            sys.exit(f"teacher: {os.path.join(args.teacher, f)} not found")
    if v3 and (args.drop or args.narrow):
        sys.exit("a NanoTrack v3 teacher is cut with --drop-residual, --drop-tower-layers and --search")
    if not v3 and (args.drop_residual or args.drop_tower_layers or args.search != 255):
        sys.exit("--drop-residual, --drop-tower-layers and --search are for a NanoTrack v3 teacher")
    if args.search > 255 or args.search < 127 or (255 - args.search) % 32:
        sys.exit(f"--search must be 255 minus a multiple of 32 (255, 223, 191, 159), got {args.search}")
    check_not_dev(args.data)
    earlier = None
    if args.continue_from:
        if args.drop or args.narrow or args.drop_residual or args.drop_tower_layers:
            sys.exit("--continue-from trains that student as it is; leave out the surgery options")
        try:
            with open(os.path.join(args.continue_from, "model.json")) as f:
                earlier = json.load(f)["provenance"]["distillation"]
        except (OSError, KeyError, ValueError) as e:
            sys.exit(f"--continue-from {args.continue_from}: not a student written by distill.py ({e})")
    try:
        if v3:
            student = v3_student(args.teacher, args, earlier)
        elif earlier:
            student = Student(onnx.load(os.path.join(args.continue_from, "backbone.onnx")),
                              architecture=earlier["student"])
        else:
            model = build_student(args.teacher, args.drop, args.narrow)
            student = Student(model)
    except (ValueError, IndexError, OSError, KeyError) as e:
        sys.exit(f"student: {e}")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    if v3:
        teacher_model = nanotrack.load_pair(args.teacher)[0]
        teacher_card = nanotrack.card("nanotrack-v3", 255, {"backbone": nanotrack.V3_ORIGIN})
    else:
        teacher_model = onnx.load(os.path.join(args.teacher, "backbone.onnx"))
        with open(os.path.join(args.teacher, "model.json")) as f:
            teacher_card = json.load(f)
    teacher_bb = GraphModule(teacher_model).eval()
    head = GraphModule(onnx.load(os.path.join(args.teacher, "head.onnx"))).eval()
    for p in list(teacher_bb.parameters()) + list(head.parameters()):
        p.requires_grad = False
    instance = teacher_card.get("instance_size", 255)
    if student.architecture is None:
        student.architecture = {
            "dropped_trunk_blocks": args.drop, "narrowed_blocks": dict(args.narrow),
            "macs_per_crop": {"teacher": conv_macs(teacher_model, instance),
                              "student": conv_macs(student.backbone_model, instance), "crop": instance}}

    sequences = discover_sequences(args.data)
    train_seqs, val_seqs = held_out(sequences)
    static_dir = os.path.join(args.data, "static")
    static = read_static(static_dir) if os.path.isdir(static_dir) else {}
    cfg = {**{k: TRAIN_DEFAULTS[k] for k in ("max_gap", "static_share", "negative_share")},
           "cutout_share": args.cutout_share, "motion_blur": args.motion_blur,
           "unlabelled_share": args.unlabelled_share}
    loader = torch.utils.data.DataLoader(PairStream(train_seqs, static, cfg, args.seed), batch_size=args.batch,
                                         collate_fn=collate, num_workers=args.workers)
    opt = torch.optim.AdamW(student.parameters(), lr=args.lr, weight_decay=DISTILL_DEFAULTS["weight_decay"])
    weights = dict(DISTILL_DEFAULTS["weights"])
    for key in ("score", "box"):
        weights[key] *= args.ground_truth_weight
    hints = [] if v3 else hint_points(teacher_model, student.backbone_model)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    start, it, history = time.time(), 0, []
    running = {}
    print(f"teacher {args.teacher}: {conv_macs(teacher_model, instance) / 1e6:.1f} M multiply-adds per {instance} "
          f"crop; student {student.architecture}; {len(train_seqs)} sequences "
          f"({len(val_seqs)} held out for validation), {len(static)} still images", file=sys.stderr)

    def save():
        card = (nanotrack.card(args.name or os.path.basename(os.path.normpath(args.out)),
                               student.architecture["search"], {}) if v3 else dict(teacher_card))
        if not v3:
            card["name"] = args.name or os.path.basename(os.path.normpath(args.out))
        provenance = dict(teacher_card.get("provenance", {}))
        provenance.pop("metrics", None)  # the teacher's figures; the student's are measured after export
        stage = {"continued_from": args.continue_from, "iterations": it, "batch": args.batch, "lr": args.lr,
                 "schedule_iters": args.iters, "minutes": round((time.time() - start) / 60, 1),
                 "threads": args.threads,
                 "augmentation": {**cfg, "pysot crop jitter, colour, grey, gaussian blur, flip": "data.Augment defaults"},
                 "loss_first": history[0] if history else None, "loss_last": history[-1] if history else None}
        provenance["distillation"] = {
            "teacher": teacher_card.get("name", args.teacher),
            "student": student.architecture,
            "head": "cut from the teacher's (tower layers dropped, resized for the search crop) and trained"
                    if v3 else "the teacher's, unchanged",
            "losses": {"feature": "MSE to the teacher's template and search features / their mean square",
                       "hint": "the same, averaged over the outputs of the blocks that change width: "
                               + (", ".join(hints) or "none"),
                       "kd_score": "BCE of the student's target logit margin on the teacher's target probability",
                       "kd_box": "L1 of log ltrb, weighted by the teacher's target probability",
                       "score": f"{args.score_loss} on ground truth", "box": "GIoU on ground truth", "weights": weights},
            "data": f"data.PairSampler pairs of {len(train_seqs)} training sequences and {len(static)} still images "
                    f"(held out for validation, src/train/validation.txt: {', '.join(s.name for s in val_seqs)})",
            "stages": (earlier.get("stages", []) if earlier else []) + [stage],
        }
        card["provenance"] = provenance
        write_student(student.backbone, student.backbone_model, args.teacher, args.out, card,
                      student.head, student.head_model)

    last_save = time.time()
    for batch in loader:
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * min(it / args.iters, 1.0)))
        for group in opt.param_groups:
            group["lr"] = lr
        total, losses = distill_losses(teacher_bb, head, student.backbone, batch, weights, hints,
                                       student.head, student.trim, student.points, args.score_loss)
        opt.zero_grad()
        total.backward()
        opt.step()
        it += 1
        for k, v in losses.items():
            running[k] = 0.95 * running.get(k, float(v)) + 0.05 * float(v)
        minutes = (time.time() - start) / 60
        if it % 50 == 0 or it == 1:
            line = {"iteration": it, "minutes": round(minutes, 2), **{k: round(v, 4) for k, v in running.items()}}
            history.append(line)
            print(json.dumps(line), file=sys.stderr, flush=True)
        if stop["now"] or minutes >= args.minutes or it >= args.iters:
            break
        if time.time() - last_save >= args.save_minutes * 60:
            save()
            last_save = time.time()
    save()
    print(f"stopped at iteration {it}; wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
