"""Feature bank: augmented training pairs pushed through the FROZEN part of the trunk once and
stored (float16) in shards, so training only runs the trained trunk blocks, the adjust layer and
the head. On a shared 2-core CPU this is several times faster than cropping and running the whole
trunk every step.

usage: /usr/bin/python3 src/train/cache.py --shards 20 [--shard-size 256]
Each shard has its own seed; existing shards are kept, so re-running adds new pairs.
"""
import argparse
import glob
import os
import sys
import time

import numpy as np
import torch

from siamtrack_train.data.pairs import PairSampler
from siamtrack_train.data.sequences import check_not_dev, discover_sequences, held_out, read_static
from siamtrack_train.models.siamtracker import pretrained_model
from siamtrack_train.settings import DEFAULT_CACHE, DEFAULT_DATA, DEFAULT_GRAPH, TRAIN_DEFAULTS


def frozen_prefix(trunk, x, frozen_blocks):
    x = trunk.stem(x)
    for block in trunk.blocks[:frozen_blocks]:
        x = block(x)
    return x


def boxes_tensor(samples, max_distractors):
    """Targets [N,4] + visible [N], distractors [N,K,4] + mask [N,K]."""
    n = len(samples)
    target = torch.zeros(n, 4)
    visible = torch.zeros(n, dtype=torch.bool)
    distr = torch.zeros(n, max_distractors, 4)
    dmask = torch.zeros(n, max_distractors, dtype=torch.bool)
    for i, s in enumerate(samples):
        if s["target"] is not None:
            target[i] = torch.from_numpy(s["target"])
            visible[i] = True
        for j, b in enumerate(s["distractors"][:max_distractors]):
            distr[i, j] = torch.from_numpy(b)
            dmask[i, j] = True
    return target, visible, distr, dmask


@torch.no_grad()
def build_shard(trunk, sampler, size, frozen_blocks, max_distractors, batch=32):
    z_parts, x_parts, samples = [], [], []
    for start in range(0, size, batch):
        chunk = [sampler.sample() for _ in range(min(batch, size - start))]
        z = torch.from_numpy(np.stack([s["exemplar"] for s in chunk])).permute(0, 3, 1, 2).float()
        x = torch.from_numpy(np.stack([s["instance"] for s in chunk])).permute(0, 3, 1, 2).float()
        z_parts.append(frozen_prefix(trunk, z, frozen_blocks).half())
        x_parts.append(frozen_prefix(trunk, x, frozen_blocks).half())
        samples.extend(chunk)
    target, visible, distr, dmask = boxes_tensor(samples, max_distractors)
    return {"zf": torch.cat(z_parts), "xf": torch.cat(x_parts), "target": target, "visible": visible,
            "distractors": distr, "distractor_mask": dmask,
            "track": torch.tensor([s["track"] for s in samples]), "frozen_blocks": frozen_blocks}


class FeatureBank:
    """All shards of a cache folder in memory; draws random batches shaped like data.loader.collate.

    Shards cached after fewer blocks than training freezes are pushed through the missing frozen
    blocks of `trunk` once, when loaded."""

    def __init__(self, folder, frozen_blocks, trunk, seed=0):
        self.folder, self.frozen_blocks, self.trunk = folder, frozen_blocks, trunk
        self.loaded = set()
        self.parts = {k: [] for k in ("zf", "xf", "target", "visible", "distractors", "distractor_mask", "track")}
        self.gen = torch.Generator().manual_seed(seed)
        self.refresh()

    def refresh(self):
        for path in sorted(glob.glob(os.path.join(self.folder, "shard_*.pt"))):
            if path in self.loaded:
                continue
            shard = torch.load(path)
            if shard["frozen_blocks"] > self.frozen_blocks:
                raise ValueError(f"{path} was cached after {shard['frozen_blocks']} blocks, "
                                 f"training freezes only {self.frozen_blocks}")
            for key in ("zf", "xf"):
                shard[key] = self.advance(shard[key], shard["frozen_blocks"])
            for k in self.parts:
                self.parts[k].append(shard[k])
            self.loaded.add(path)
        self.data = {k: torch.cat(v) for k, v in self.parts.items() if v}
        # keep one copy: the concatenation replaces the shard tensors it was made from
        self.parts = {k: [self.data[k]] if k in self.data else [] for k in self.parts}
        return len(self)

    @torch.no_grad()
    def advance(self, features, done_blocks, chunk=64):
        blocks = self.trunk.blocks[done_blocks:self.frozen_blocks]
        if len(blocks) == 0:
            return features
        out = []
        for part in features.split(chunk):
            x = part.float()
            for block in blocks:
                x = block(x)
            out.append(x.half())
        return torch.cat(out)

    def __len__(self):
        return len(self.data["track"]) if self.data else 0

    def batch(self, size):
        idx = torch.randint(len(self), (size,), generator=self.gen)
        d = {k: v[idx] for k, v in self.data.items()}
        return {
            "exemplar": d["zf"].float(), "instance": d["xf"].float(),
            "target": [d["target"][i].numpy() if d["visible"][i] else None for i in range(size)],
            "distractors": [[b.numpy() for b in d["distractors"][i][d["distractor_mask"][i]]] for i in range(size)],
            "track": d["track"],
        }


def main():
    ap = argparse.ArgumentParser(description="Cache frozen-trunk features of augmented training pairs")
    ap.add_argument("--shards", type=int, default=20)
    ap.add_argument("--shard-size", type=int, default=256)
    ap.add_argument("--out", default=DEFAULT_CACHE)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--graph", default=DEFAULT_GRAPH)
    ap.add_argument("--frozen-blocks", type=int, default=TRAIN_DEFAULTS["train_from_block"])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    check_not_dev(args.data)
    os.makedirs(args.out, exist_ok=True)
    model, _ = pretrained_model(args.graph)
    trunk = model.backbone.trunk.eval()
    train_seqs, _ = held_out(discover_sequences(args.data))
    static_dir = os.path.join(args.data, "static")
    static = read_static(static_dir) if os.path.isdir(static_dir) else {}
    made = 0
    seed = 0
    while made < args.shards:
        path = os.path.join(args.out, f"shard_{seed:04d}.pt")
        seed += 1
        if os.path.exists(path):
            continue
        started = time.time()
        sampler = PairSampler(train_seqs, static, seed=100000 + seed, max_gap=TRAIN_DEFAULTS["max_gap"],
                              static_share=TRAIN_DEFAULTS["static_share"],
                              negative_share=TRAIN_DEFAULTS["negative_share"])
        shard = build_shard(trunk, sampler, args.shard_size, args.frozen_blocks, TRAIN_DEFAULTS["max_distractors"])
        torch.save(shard, path + ".tmp")
        os.replace(path + ".tmp", path)
        made += 1
        print(f"{path}: {args.shard_size} pairs in {time.time() - started:.0f} s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
