"""Tune a model's post-processing (cosine window influence, scale-change penalty k, size learning rate) on a
dataset with the engine itself, and optionally write the pick into the model's card:

  /usr/bin/python3 src/train/tune.py models/siamtrack-v3s ../shared/datasets/dev            # table only
  /usr/bin/python3 src/train/tune.py models/siamtrack-v3s ../shared/datasets/dev --apply    # and the card

Every grid point is a copy of the model directory (the card with other hyper values, the graphs linked, not
copied) evaluated by `./siamtrack eval` (one-pass success AUC, 12 variants per run). One short sequence
flips between success and failure on a small change, so the best single point is often a spike: the pick is
the point with the best mean AUC over itself and its neighbours along each axis of the grid.

The default learning-rate grid starts at 0.1: below it the box hardly changes size (0 never does), which a
dataset with little scale change rewards and any footage where the target's distance changes punishes.
Tune on the dev set, never on the sequences you report as held out.
"""
import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import time

from siamtrack_train.settings import SIAMTRACK

GRAPHS = ("backbone.onnx", "head.onnx")
AXES = ("window_influence", "penalty_k", "lr")
BATCH = 12
MARKER = ".tune"


class TuneError(Exception):
    """A problem with the user's input (exit code 2)."""


def parse_values(text, name):
    try:
        values = sorted({float(v) for v in text.split(",") if v.strip()})
    except ValueError:
        raise TuneError(f"--{name}: expected comma-separated numbers, got '{text}'") from None
    if not values:
        raise TuneError(f"--{name}: no values")
    if any(v < 0 for v in values) or (name != "penalty" and any(v > 1 for v in values)):
        raise TuneError(f"--{name}: values must be >= 0{'' if name == 'penalty' else ' and <= 1'}, got '{text}'")
    return values


def variant_name(point):
    return "w{}-k{}-l{}".format(*point)


def write_variants(model_dir, card, points, work):
    """One directory per point under `work`: `card` with that point's hyper values, the graphs linked."""
    dirs = {}
    for point in points:
        d = os.path.join(work, variant_name(point))
        os.makedirs(d, exist_ok=True)
        for g in GRAPHS:
            link = os.path.join(d, g)
            if not os.path.lexists(link):
                os.symlink(os.path.abspath(os.path.join(model_dir, g)), link)
        variant = json.loads(json.dumps(card))
        variant["name"] = variant_name(point)
        variant["hyper"].update(dict(zip(AXES, point)))
        with open(os.path.join(d, "model.json"), "w") as f:
            json.dump(variant, f, indent=2)
        dirs[point] = d
    return dirs


def read_card(model_dir):
    path = os.path.join(model_dir, "model.json")
    for g in GRAPHS:
        if not os.path.isfile(os.path.join(model_dir, g)):
            raise TuneError(f"{model_dir}: no {g}: not a model directory")
    if not os.path.isfile(path):
        raise TuneError(f"{model_dir}: no model.json (a card-less NanoTrack directory takes its published values)")
    with open(path) as f:
        card = json.load(f)
    missing = [k for k in AXES if k not in card.get("hyper", {})]
    if missing:
        raise TuneError(f"{path}: 'hyper' lacks {', '.join(missing)}")
    return card


def evaluate(dirs, dataset, work, siamtrack, sequences=None):
    """Success AUC of every variant on `dataset`, BATCH variants per `siamtrack eval` run."""
    points = list(dirs)
    aucs = {}
    started = time.time()
    for i in range(0, len(points), BATCH):
        batch = points[i:i + BATCH]
        report = os.path.join(work, f"eval-{i // BATCH}")
        cmd = [siamtrack, "eval", dataset, "--report", report,
               "--trackers", ",".join("siamtrack:" + dirs[p] for p in batch)]
        if sequences:
            cmd += ["--sequences", sequences]
        run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise TuneError(f"siamtrack eval failed (exit {run.returncode}): {run.stderr.strip()[-500:]}")
        with open(os.path.join(report, "summary.json")) as f:
            trackers = json.load(f)["trackers"]
        for p in batch:
            aucs[p] = trackers["siamtrack@" + variant_name(p)]["auc"]
        done = min(i + BATCH, len(points))
        print(f"tune: {done}/{len(points)} variants evaluated, {time.time() - started:.0f} s", file=sys.stderr,
              flush=True)
    return aucs


def smoothed(aucs, grid):
    """Mean AUC of each point and its neighbours (one step along one axis) that the grid has."""
    index = [{v: i for i, v in enumerate(axis)} for axis in grid]
    result = {}
    for point, auc in aucs.items():
        values = [auc]
        for a, axis in enumerate(grid):
            i = index[a][point[a]]
            for j in (i - 1, i + 1):
                if 0 <= j < len(axis):
                    neighbour = point[:a] + (axis[j],) + point[a + 1:]
                    if neighbour in aucs:
                        values.append(aucs[neighbour])
        result[point] = sum(values) / len(values)
    return result


def pick(aucs, grid):
    """The grid point with the best neighbourhood mean (points off the grid are left out)."""
    on_grid = set(itertools.product(*grid))
    means = smoothed({p: a for p, a in aucs.items() if p in on_grid}, grid)
    best = max(means, key=lambda p: (means[p], aucs[p]))
    return best, means


def apply(model_dir, point, auc, mean, dataset, grid, before):
    """Writes the picked values into the card, with what they were picked from."""
    path = os.path.join(model_dir, "model.json")
    with open(path) as f:
        card = json.load(f)
    previous = {k: card["hyper"].get(k) for k in AXES}
    card["hyper"].update(dict(zip(AXES, point)))
    card.setdefault("provenance", {})["hyper_tuning"] = {
        "tool": "src/train/tune.py",
        "dataset": os.path.basename(os.path.normpath(dataset)),
        "grid": dict(zip(AXES, grid)),
        "rule": "best mean success AUC over the point and its grid neighbours",
        "previous": previous,
        "auc_before": before,
        "auc": round(auc, 4),
        "neighbourhood_auc": round(mean, 4),
    }
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="model directory with backbone.onnx, head.onnx and model.json")
    ap.add_argument("dataset", help="sequences for ./siamtrack eval (the dev set)")
    ap.add_argument("--window", default="0.2,0.3,0.4", help="window influence values (default: %(default)s)")
    ap.add_argument("--penalty", default="0.1,0.25,0.4", help="penalty k values (default: %(default)s)")
    ap.add_argument("--lr", default="0.1,0.175,0.25,0.385", help="size learning rates (default: %(default)s)")
    ap.add_argument("--sequences", help="evaluate only these sequences (comma-separated)")
    ap.add_argument("--work", help="folder for the variants and reports (default: out/tune-MODEL)")
    ap.add_argument("--apply", action="store_true", help="write the pick into the model's card")
    ap.add_argument("--siamtrack", default=SIAMTRACK, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    try:
        grid = (parse_values(args.window, "window"), parse_values(args.penalty, "penalty"),
                parse_values(args.lr, "lr"))
        card = read_card(args.model)
        if not os.path.isdir(args.dataset):
            raise TuneError(f"{args.dataset}: no such folder")
        name = os.path.basename(os.path.normpath(args.model))
        work = args.work or os.path.join("out", f"tune-{name}")
        if os.path.exists(work):
            # only a folder an earlier run wrote is replaced: --work may name anything
            if os.listdir(work) and not os.path.isfile(os.path.join(work, MARKER)):
                raise TuneError(f"{work}: exists and was not written by tune.py; name another --work folder")
            shutil.rmtree(work)
        os.makedirs(work)
        open(os.path.join(work, MARKER), "w").close()
        current = tuple(float(card["hyper"][k]) for k in AXES)
        # the card's own values too (off the grid or not), to say what tuning gained
        points = list(dict.fromkeys(list(itertools.product(*grid)) + [current]))
        dirs = write_variants(args.model, card, points, work)
        aucs = evaluate(dirs, args.dataset, work, args.siamtrack, args.sequences)
        best, means = pick(aucs, grid)
        with open(os.path.join(work, "aucs.tsv"), "w") as f:
            f.write("window_influence\tpenalty_k\tlr\tauc\tneighbourhood_auc\n")
            for p in sorted(means, key=lambda p: -means[p]):
                f.write("\t".join(str(v) for v in p) + f"\t{aucs[p]:.4f}\t{means[p]:.4f}\n")
        print(f"{'window':>7} {'k':>6} {'lr':>6} {'AUC':>7} {'nbhd':>7}")
        for p in sorted(means, key=lambda p: -means[p])[:10]:
            print(f"{p[0]:7.3f} {p[1]:6.3f} {p[2]:6.3f} {aucs[p]:7.4f} {means[p]:7.4f}")
        before = round(aucs[current], 4)
        print(f"pick: window_influence {best[0]}, penalty_k {best[1]}, lr {best[2]}: AUC {aucs[best]:.4f} "
              f"(neighbourhood {means[best]:.4f}); the card's current values {current}: AUC {before:.4f}")
        print(f"table: {os.path.join(work, 'aucs.tsv')}")
        if args.apply:
            apply(args.model, best, aucs[best], means[best], args.dataset, grid, before)
            print(f"wrote the pick into {os.path.join(args.model, 'model.json')}")
    except TuneError as e:
        print(f"tune: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
