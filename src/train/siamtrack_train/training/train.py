"""Train the Siamese tracker on CPU (resumable).

usage: /usr/bin/python3 src/train/train.py [--minutes 60] [--config cfg.json] [--set key=value ...]

Reads the training sequences and still images from ../shared/datasets/train (never dev), imports
the pretrained trunk from src/train/work/package/models/centernet.json (see fetch_backbone.sh),
and writes checkpoints to src/train/work/ckpt/ (last.pt every few minutes, best.pt on the best
validation mean IoU). Re-running continues from last.pt.
"""
import argparse
import json
import math
import os
import signal
import sys
import time

import torch
import torch.nn.functional as F

from siamtrack_train.data.cache import FeatureBank, frozen_prefix
from siamtrack_train.data.loader import PairStream, collate
from siamtrack_train.data.sequences import check_not_dev, discover_sequences, held_out, read_static
from siamtrack_train.evaluation.evaluate import evaluate_sequences
from siamtrack_train.losses import batch_hard_triplet, box_loss, contrastive_loss, make_targets, score_loss
from siamtrack_train.models.checkpoint import load_matching, save_checkpoint, stage_lineage
from siamtrack_train.models.siamtracker import STRIDE, cell_points, feature_coord, pretrained_model, tiny_model
from siamtrack_train.settings import DEFAULT_CACHE, DEFAULT_CKPT, DEFAULT_DATA, DEFAULT_GRAPH, load_config


def backbone_forward(backbone, x, frozen_blocks, cached):
    """Frozen trunk prefix without autograd (skipped when x holds cached prefix features),
    trained suffix with it."""
    trunk = backbone.trunk
    if not cached:
        with torch.no_grad():
            x = frozen_prefix(trunk, x, frozen_blocks)
    for block in trunk.blocks[frozen_blocks:]:
        x = block(x)
    return backbone.adjust(x)


def sample_embeddings(xf, points):
    """Bilinear features of xf [B,C,H,W] at per-sample offsets points [B,K,2] (pixels from the
    crop centre) -> L2-normalised [B,K,C]."""
    size = xf.shape[-1]
    grid = feature_coord(points) / (size - 1) * 2 - 1
    emb = F.grid_sample(xf, grid[:, None], align_corners=True)  # [B,C,1,K]
    return F.normalize(emb[:, :, 0].permute(0, 2, 1), dim=-1)


def embedding_losses(zf, xf, batch, cfg):
    b = zf.shape[0]
    k = cfg["max_distractors"]
    anchor = F.normalize(zf[:, :, 2:6, 2:6].mean(dim=(2, 3)), dim=-1)
    points = torch.zeros(b, 1 + k, 2)
    valid = torch.zeros(b, 1 + k, dtype=torch.bool)
    limit = 127.0
    for n in range(b):
        boxes = ([batch["target"][n]] if batch["target"][n] is not None else [None]) + batch["distractors"][n][:k]
        for j, box in enumerate(boxes):
            if box is None:
                continue
            c = torch.tensor([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
            if c.abs().max() < limit:
                points[n, j], valid[n, j] = c, True
    emb = sample_embeddings(xf, points)
    positive, pos_valid = emb[:, 0], valid[:, 0]
    neg_mask = valid[:, 1:]
    negatives = emb[:, 1:][neg_mask]
    neg_track = torch.full((len(negatives),), -1, dtype=torch.long)  # never anyone's target track
    out = {}
    if cfg["weights"].get("triplet", 0) > 0:
        out["triplet"] = batch_hard_triplet(anchor, positive, pos_valid, batch["track"], negatives, neg_track,
                                            cfg["triplet_margin"])
    if cfg["weights"].get("contrastive", 0) > 0:
        sims_a = [anchor[pos_valid]]
        sims_b = [positive[pos_valid]]
        same = [torch.ones(int(pos_valid.sum()))]
        owners = torch.arange(b)[:, None].expand(b, k)[neg_mask]
        sims_a.append(anchor[owners])
        sims_b.append(negatives)
        same.append(torch.zeros(len(negatives)))
        out["contrastive"] = contrastive_loss(torch.cat(sims_a), torch.cat(sims_b), torch.cat(same),
                                              cfg["contrastive_margin"])
    return out


def compute_losses(model, batch, cfg, frozen_blocks, cached=False):
    zf = backbone_forward(model.backbone, batch["exemplar"], frozen_blocks, cached)
    xf = backbone_forward(model.backbone, batch["instance"], frozen_blocks, cached)
    cls, ltrb = model.head(zf, xf)
    labels, ltrb_t = make_targets(batch["target"], cell_points(), STRIDE)
    pos = labels == 1
    losses = {"score": score_loss(cls, labels, cfg["score_loss"]),
              "box": box_loss(ltrb.permute(0, 2, 3, 1)[pos], ltrb_t[pos], cfg["box_loss"])}
    losses.update(embedding_losses(zf, xf, batch, cfg))
    total = sum(cfg["weights"].get(k, 0.0) * v for k, v in losses.items())
    return total, losses


def build_model(cfg, graph, tiny):
    if tiny:
        return tiny_model(cfg["seed"]), None
    model, specs = pretrained_model(graph, cfg["channels"], cfg["hidden"], cfg["trunk_blocks"])
    return model, specs


def main():
    ap = argparse.ArgumentParser(description="Train the SiamTrack network on CPU (resumes from last.pt)")
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget of this run")
    ap.add_argument("--config", help="JSON file overriding the defaults")
    ap.add_argument("--set", action="append", default=[], help="override one key, e.g. score_loss=bce")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--graph", default=DEFAULT_GRAPH)
    ap.add_argument("--work", default=DEFAULT_CKPT)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cache", nargs="?", const=DEFAULT_CACHE,
                    help="train from cached frozen-trunk features (see cache.py) instead of live crops")
    ap.add_argument("--tiny", action="store_true", help="tiny random network (smoke test)")
    ap.add_argument("--fresh", action="store_true", help="ignore an existing last.pt")
    ap.add_argument("--init-from", help="start a new run from this checkpoint's weights (e.g. to "
                    "unfreeze more trunk blocks after a head-only run)")
    ap.add_argument("--pretrained-frozen", action="store_true",
                    help="with --init-from: the stem and frozen trunk blocks keep the imported pretrained "
                    "weights instead of the checkpoint's (undoes an earlier run's fine-tuning of them)")
    args = ap.parse_args()
    if args.pretrained_frozen and not args.init_from:
        ap.error("--pretrained-frozen only applies with --init-from")

    torch.set_num_threads(args.threads)
    check_not_dev(args.data)
    if not args.tiny and not os.path.exists(args.graph):
        sys.exit(f"pretrained graph not found: {args.graph}\nrun: sh src/train/fetch_backbone.sh")
    os.makedirs(args.work, exist_ok=True)
    last_path, best_path = os.path.join(args.work, "last.pt"), os.path.join(args.work, "best.pt")

    resume = None if args.fresh or not os.path.exists(last_path) else torch.load(last_path, map_location="cpu")
    cfg = load_config(args.config, args.set, base=resume["config"] if resume else None)
    model, specs = build_model(cfg, args.graph, args.tiny)
    frozen = min(cfg["train_from_block"], len(model.backbone.trunk.blocks))
    for p in model.backbone.trunk.parameters():
        p.requires_grad = False
    trunk_params = [p for b in model.backbone.trunk.blocks[frozen:] for p in b.parameters()]
    for p in trunk_params:
        p.requires_grad = True
    other = [p for n, p in model.named_parameters() if not n.startswith("backbone.trunk.")]
    groups = [{"params": other, "lr": cfg["lr"]}]
    if trunk_params:
        groups.append({"params": trunk_params, "lr": cfg["trunk_lr"]})
    opt = torch.optim.AdamW(groups, weight_decay=cfg["weight_decay"])
    state = {"iteration": 0, "seconds": 0.0, "best_iou": -1.0, "history": [], "validation": [],
             "mode": "cached features" if args.cache else "live crops", "lineage": []}
    if args.init_from and not resume:
        init = torch.load(args.init_from, map_location="cpu")
        keep = ("backbone.trunk.stem.",) + tuple(f"backbone.trunk.blocks.{i}." for i in range(frozen)) \
            if args.pretrained_frozen else ()
        fresh = load_matching(model, init["model"], keep)
        if fresh:
            print(f"--init-from: {len(fresh)} tensors start fresh (not in {args.init_from} or of another shape): "
                  f"{', '.join(fresh[:4])}{' ...' if len(fresh) > 4 else ''}", file=sys.stderr)
        state["lineage"] = stage_lineage(init)
    if resume:
        model.load_state_dict(resume["model"])
        opt.load_state_dict(resume["optimizer"])
        state = resume["state"]
        print(f"resumed at iteration {state['iteration']} ({state['seconds'] / 60:.1f} min trained)", file=sys.stderr)

    sequences = discover_sequences(args.data)
    train_seqs, val_seqs = held_out(sequences)
    static_dir = os.path.join(args.data, "static")
    static = read_static(static_dir) if os.path.isdir(static_dir) else {}
    state["data"] = {"train_sequences": len(train_seqs), "static_images": len(static),
                     "validation_sequences": [s.name for s in val_seqs]}
    print(f"{len(train_seqs)} training sequences, {len(static)} still images, "
          f"{len(val_seqs)} held-out sequences", file=sys.stderr)
    if args.cache:
        bank = FeatureBank(args.cache, frozen, model.backbone.trunk, seed=cfg["seed"] + state["iteration"])
        print(f"feature bank: {len(bank)} cached pairs", file=sys.stderr)
        state["data"]["cached_pairs"] = len(bank)

        def bank_batches():
            while True:
                if state["iteration"] % 100 == 0:
                    state["data"]["cached_pairs"] = bank.refresh()
                yield bank.batch(cfg["batch"])
        batches = bank_batches()
    else:
        stream = PairStream(train_seqs, static, cfg, seed=cfg["seed"] + state["iteration"])
        batches = torch.utils.data.DataLoader(stream, batch_size=cfg["batch"], collate_fn=collate,
                                              num_workers=args.workers, prefetch_factor=4 if args.workers else 2)

    stop = {"flag": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
    base_lrs = [g["lr"] for g in opt.param_groups]
    started, last_save = time.time(), time.time()
    seconds_before = state["seconds"]
    running = {}
    model.train()
    model.backbone.trunk.eval()  # the trunk has no batch norm; keep it deterministic anyway
    for batch in batches:
        it = state["iteration"]
        frac = min(it / max(cfg["iters"], 1), 1.0)
        for g, base in zip(opt.param_groups, base_lrs):
            g["lr"] = base * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (it + 1) / 50)
        total, losses = compute_losses(model, batch, cfg, frozen, cached=bool(args.cache))
        opt.zero_grad()
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        state["iteration"] = it + 1
        state["seconds"] = seconds_before + time.time() - started
        for k, v in dict(losses, total=total).items():
            running[k] = running.get(k, 0.0) + float(v)
        if state["iteration"] % 20 == 0:
            avg = {k: round(v / 20, 4) for k, v in running.items()}
            state["history"].append({"iteration": state["iteration"], "minutes": round(state["seconds"] / 60, 2), **avg})
            print(json.dumps(state["history"][-1]), file=sys.stderr, flush=True)
            running = {}
        out_of_time = time.time() - started > args.minutes * 60
        if state["iteration"] % cfg["val_interval"] == 0 or out_of_time or stop["flag"]:
            model.eval()
            res = evaluate_sequences(model, val_seqs, max_frames=cfg["val_max_frames"])
            model.train()
            model.backbone.trunk.eval()
            entry = {"iteration": state["iteration"], "mean_iou": round(res["mean_iou"], 4),
                     "success_0.5": round(res["success_0.5"], 4), "frames": res["frames"]}
            state["validation"].append(entry)
            print("validation " + json.dumps(entry), file=sys.stderr, flush=True)
            if res["mean_iou"] > state["best_iou"]:
                state["best_iou"] = res["mean_iou"]
                save_checkpoint(best_path, model, opt, state, cfg, specs)
        if time.time() - last_save > cfg["ckpt_seconds"] or out_of_time or stop["flag"]:
            save_checkpoint(last_path, model, opt, state, cfg, specs)
            last_save = time.time()
        if out_of_time or stop["flag"]:
            break
    print(f"stopped at iteration {state['iteration']}, {state['seconds'] / 60:.1f} min trained, "
          f"best validation mean IoU {state['best_iou']:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
