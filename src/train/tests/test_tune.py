"""Post-processing tuning: the neighbourhood pick, the variants, the card it writes, and bad input."""
import json
import os
import stat
import sys

from siamtrack_train.evaluation import tune

FAKE_EVAL = """#!{python}
# Stands in for ./siamtrack eval: each variant's AUC is a function of its card's hyper values.
import json, os, sys
args = sys.argv[1:]
if os.environ.get("FAKE_EVAL_FAIL"):
    print("eval: no sequences found", file=sys.stderr)
    sys.exit(2)
report = args[args.index("--report") + 1]
trackers = {{}}
for spec in args[args.index("--trackers") + 1].split(","):
    d = spec.split(":", 1)[1]
    card = json.load(open(os.path.join(d, "model.json")))
    h = card["hyper"]
    # a broad plateau around lr 0.2, penalty 0.25, and one spike far from it
    auc = 0.6 - abs(h["lr"] - 0.2) - 0.1 * abs(h["penalty_k"] - 0.25)
    if (h["window_influence"], h["penalty_k"], h["lr"]) == (0.4, 0.4, 0.4):
        auc = 0.65
    trackers["siamtrack@" + card["name"]] = {{"auc": auc}}
os.makedirs(report, exist_ok=True)
json.dump({{"trackers": trackers}}, open(os.path.join(report, "summary.json"), "w"))
"""


def model_dir(tmp_path, hyper=None):
    d = tmp_path / "model"
    d.mkdir()
    (d / "backbone.onnx").write_bytes(b"backbone")
    (d / "head.onnx").write_bytes(b"head")
    card = {"name": "m", "hyper": hyper or {"window_influence": 0.3, "penalty_k": 0.15, "lr": 0.385,
                                            "lost_threshold": 0.3}}
    (d / "model.json").write_text(json.dumps(card))
    return d


def fake_siamtrack(tmp_path):
    path = tmp_path / "siamtrack"
    path.write_text(FAKE_EVAL.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_pick_prefers_a_plateau_over_a_lone_spike():
    grid = ([0.2, 0.3], [0.1, 0.2], [0.1, 0.2, 0.3])
    aucs = {}
    for w in grid[0]:
        for k in grid[1]:
            for lr in grid[2]:
                aucs[(w, k, lr)] = 0.5 if lr < 0.3 else 0.3
    aucs[(0.3, 0.2, 0.3)] = 0.7  # a spike among low neighbours
    best, means = tune.pick(aucs, grid)
    assert best[2] in (0.1, 0.2)
    assert means[(0.3, 0.2, 0.3)] < means[best]
    # a corner point is averaged over its 3 neighbours only
    assert abs(means[(0.2, 0.1, 0.1)] - 0.5) < 1e-12


def test_tunes_the_card_end_to_end(tmp_path, capsys):
    model = model_dir(tmp_path)
    dataset = tmp_path / "dev"
    dataset.mkdir()
    work = tmp_path / "work"
    code = tune.main([str(model), str(dataset), "--window", "0.3,0.4", "--penalty", "0.1,0.25,0.4",
                      "--lr", "0.1,0.2,0.3,0.4", "--work", str(work), "--apply",
                      "--siamtrack", fake_siamtrack(tmp_path)])
    assert code == 0
    card = json.loads((model / "model.json").read_text())
    # the plateau's centre, not the spike at (0.4, 0.4, 0.4)
    assert card["hyper"]["penalty_k"] == 0.25 and card["hyper"]["lr"] == 0.2
    assert card["hyper"]["lost_threshold"] == 0.3
    tuning = card["provenance"]["hyper_tuning"]
    assert tuning["previous"] == {"window_influence": 0.3, "penalty_k": 0.15, "lr": 0.385}
    # the card's own values, off the grid, were evaluated too
    assert abs(tuning["auc_before"] - (0.6 - 0.185 - 0.01)) < 1e-4
    assert tuning["grid"]["lr"] == [0.1, 0.2, 0.3, 0.4]
    assert abs(tuning["auc"] - 0.6) < 1e-9
    variant = work / "w0.4-k0.4-l0.4"
    assert os.readlink(variant / "head.onnx") == str(model / "head.onnx")
    assert json.loads((variant / "model.json").read_text())["hyper"]["lr"] == 0.4
    rows = (work / "aucs.tsv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 3 * 4
    assert rows[1].split("\t")[1:3] == ["0.25", "0.2"]
    assert "pick: window_influence" in capsys.readouterr().out


def test_without_apply_the_card_is_untouched(tmp_path):
    model = model_dir(tmp_path)
    before = (model / "model.json").read_text()
    dataset = tmp_path / "dev"
    dataset.mkdir()
    assert tune.main([str(model), str(dataset), "--window", "0.3", "--penalty", "0.25", "--lr", "0.2,0.385",
                      "--work", str(tmp_path / "work"), "--siamtrack", fake_siamtrack(tmp_path)]) == 0
    assert (model / "model.json").read_text() == before


def test_bad_input_exits_2_before_writing_anything(tmp_path, capsys):
    model = model_dir(tmp_path)
    dataset = tmp_path / "dev"
    dataset.mkdir()
    work = tmp_path / "work"
    assert tune.main([str(model), str(dataset), "--lr", "0.1,fast", "--work", str(work)]) == 2
    assert "--lr: expected comma-separated numbers" in capsys.readouterr().err
    assert tune.main([str(model), str(dataset), "--window", "1.5", "--work", str(work)]) == 2
    assert tune.main([str(model), str(tmp_path / "missing"), "--work", str(work)]) == 2
    assert "no such folder" in capsys.readouterr().err
    (model / "model.json").write_text(json.dumps({"hyper": {"lr": 0.2}}))
    assert tune.main([str(model), str(dataset), "--work", str(work)]) == 2
    assert "'hyper' lacks window_influence, penalty_k" in capsys.readouterr().err
    (model / "model.json").unlink()
    assert tune.main([str(model), str(dataset), "--work", str(work)]) == 2
    assert "no model.json" in capsys.readouterr().err
    assert not work.exists()


def test_a_failing_eval_is_reported(tmp_path, capsys, monkeypatch):
    model = model_dir(tmp_path)
    dataset = tmp_path / "dev"
    dataset.mkdir()
    monkeypatch.setenv("FAKE_EVAL_FAIL", "1")
    code = tune.main([str(model), str(dataset), "--window", "0.3", "--penalty", "0.25", "--lr", "0.2",
                      "--work", str(tmp_path / "work"), "--siamtrack", fake_siamtrack(tmp_path)])
    assert code == 2
    assert "siamtrack eval failed (exit 2): eval: no sequences found" in capsys.readouterr().err


def test_refuses_a_work_folder_it_did_not_write(tmp_path, capsys):
    model = model_dir(tmp_path)
    dataset = tmp_path / "dev"
    dataset.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    args = [str(model), str(dataset), "--window", "0.3", "--penalty", "0.25", "--lr", "0.2",
            "--work", str(work), "--siamtrack", fake_siamtrack(tmp_path)]
    assert tune.main(args) == 2
    assert "was not written by tune.py" in capsys.readouterr().err
    assert (work / "notes.txt").read_text() == "mine"
    (work / "notes.txt").unlink()
    assert tune.main(args) == 0
    # a second run replaces the first's folder
    assert tune.main(args) == 0
