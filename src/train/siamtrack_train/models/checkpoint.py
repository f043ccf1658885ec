"""Training checkpoints: writing one, rebuilding the network from one alone, loading the tensors of one
into another network, and the stage lineage a model card records."""
import os

import torch

from siamtrack_train.models.siamtracker import SiamTracker, tiny_model
from siamtrack_train.models.trunk import Trunk


def save_checkpoint(path, model, opt, state, cfg, specs):
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "state": state, "config": cfg,
                "specs": specs}, tmp)
    os.replace(tmp, path)


def load_checkpoint_model(path):
    """Rebuild the network from a checkpoint alone (no npm graph needed)."""
    ck = torch.load(path, map_location="cpu")
    if ck["specs"] is None:
        model = tiny_model()
    else:
        model = SiamTracker(Trunk(ck["specs"]), ck["config"]["channels"], ck["config"]["hidden"])
    model.load_state_dict(ck["model"])
    return model.eval()


def load_matching(model, state_dict, keep=()):
    """Load the tensors of `state_dict` whose name and shape fit `model` (a shorter trunk drops the
    later blocks; its adjust layer then has another input width), except names starting with a
    prefix in `keep`, which the model keeps. Returns the other names left as they were."""
    own = model.state_dict()
    fitting = {k: v for k, v in state_dict.items()
               if k in own and own[k].shape == v.shape and not k.startswith(keep)}
    model.load_state_dict(fitting, strict=False)
    return [k for k in own if k not in fitting and not k.startswith(keep)]


def stage_lineage(ck):
    """Earlier training stages of a checkpoint (its own lineage, then itself), for the model card."""
    state, cfg = ck["state"], ck["config"]
    return state.get("lineage", []) + [{
        "iterations": state["iteration"], "minutes": round(state["seconds"] / 60, 1),
        "pairs_drawn": state["iteration"] * cfg["batch"], "cached_pairs": state.get("data", {}).get("cached_pairs")
        if state.get("mode", "cached features") == "cached features" else None,
        "trained_trunk_blocks_from": cfg["train_from_block"], "mode": state.get("mode", "cached features"),
        "batch": cfg["batch"], "lr": cfg["lr"], "trunk_lr": cfg["trunk_lr"]}]
