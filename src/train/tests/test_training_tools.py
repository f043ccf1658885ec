"""Config overrides, partial weight loading and the LOST / UNCERTAIN threshold calibration."""
import pytest

pytest.importorskip("torch")

from siamtrack_train.data.sequences import held_out, read_otb, validation_names  # noqa: E402
from siamtrack_train.evaluation.evaluate import calibrate_states, engine_track_scores  # noqa: E402
from siamtrack_train.models.checkpoint import load_matching  # noqa: E402
from siamtrack_train.models.siamtracker import SiamTracker, TINY_SPECS  # noqa: E402
from siamtrack_train.models.trunk import Trunk  # noqa: E402
from siamtrack_train.settings import TRAIN_DEFAULTS, load_config  # noqa: E402


def test_config_overrides_parse_numbers_strings_and_nested_weights(tmp_path):
    cfg = load_config(None, ["score_loss=bce", "batch=8", "weights.contrastive=0.5", "lr=5e-4"])
    assert cfg["score_loss"] == "bce" and cfg["batch"] == 8 and cfg["lr"] == 5e-4
    assert cfg["weights"]["contrastive"] == 0.5 and cfg["weights"]["score"] == TRAIN_DEFAULTS["weights"]["score"]
    assert TRAIN_DEFAULTS["batch"] == 16  # the defaults themselves are untouched
    path = tmp_path / "cfg.json"
    path.write_text('{"box_loss": "iou", "triplet_margin": 0.2}')
    cfg = load_config(str(path), ["triplet_margin=0.4"])
    assert cfg["box_loss"] == "iou" and cfg["triplet_margin"] == 0.4


def test_unknown_config_keys_are_rejected(tmp_path):
    with pytest.raises(SystemExit):
        load_config(None, ["no_such_key=1"])
    path = tmp_path / "cfg.json"
    path.write_text('{"typo_loss": "bce"}')
    with pytest.raises(SystemExit):
        load_config(str(path), [])


def test_a_resumed_config_from_before_a_key_existed_gets_its_default():
    old = {k: v for k, v in TRAIN_DEFAULTS.items() if k != "trunk_blocks"}
    old["lr"] = 3e-4
    cfg = load_config(None, ["trunk_blocks=3"], base=old)
    assert cfg["lr"] == 3e-4 and cfg["trunk_blocks"] == 3
    assert load_config(None, [], base=old)["trunk_blocks"] is None


def test_a_shorter_trunk_takes_the_matching_weights_and_keeps_its_own_adjust_layer():
    full = SiamTracker(Trunk(TINY_SPECS), channels=16, hidden=16)
    short = SiamTracker(Trunk(TINY_SPECS[:2]), channels=16, hidden=16)  # ends at 8 channels, not 16
    adjust_before = short.backbone.adjust[0].weight.clone()
    fresh = load_matching(short, full.state_dict())
    assert "backbone.adjust.0.weight" in fresh
    assert not any(k.startswith("head.") or k.startswith("backbone.trunk.") for k in fresh)
    assert short.backbone.adjust[0].weight.equal(adjust_before)
    for k, v in short.state_dict().items():
        if k not in fresh:
            assert v.equal(full.state_dict()[k]), k


def test_kept_prefixes_stay_as_the_model_has_them():
    source = SiamTracker(Trunk(TINY_SPECS), channels=16, hidden=16)
    target = SiamTracker(Trunk(TINY_SPECS), channels=16, hidden=16)
    before = {k: v.clone() for k, v in target.state_dict().items()}
    keep = ("backbone.trunk.stem.", "backbone.trunk.blocks.0.")
    assert load_matching(target, source.state_dict(), keep) == []
    for k, v in target.state_dict().items():
        expected = before[k] if k.startswith(keep) else source.state_dict()[k]
        assert v.equal(expected), k
    assert not before["backbone.trunk.stem.0.weight"].equal(source.state_dict()["backbone.trunk.stem.0.weight"])


def test_calibration_separates_lost_from_good_frames():
    # 20 lost frames scoring 0.1..0.29, 20 good frames scoring 0.6..0.79, 2 in-between frames ignored
    ious = [0.0] * 20 + [0.8] * 20 + [0.2, 0.2]
    scores = [0.1 + 0.01 * i for i in range(20)] + [0.6 + 0.01 * i for i in range(20)] + [0.5, 0.5]
    states = calibrate_states(ious, scores)
    assert states["lost_threshold"] == pytest.approx(0.6)  # lowest good score: all lost frames below it
    assert states["lost_below_lost"] == 1.0 and states["good_below_lost"] == 0.0
    assert states["uncertain_threshold"] == pytest.approx(0.6475, abs=1e-3)  # 25th percentile of good scores (rounded)
    assert (states["good_frames"], states["lost_frames"]) == (20, 20)


def test_calibration_with_few_lost_frames_uses_the_good_scores():
    ious = [0.9] * 21 + [0.0]
    scores = [0.5 + 0.02 * i for i in range(21)] + [0.1]
    states = calibrate_states(ious, scores)
    assert states["lost_threshold"] == pytest.approx(0.52)  # 5th percentile of 0.50..0.90
    assert states["uncertain_threshold"] == pytest.approx(0.6)


def test_held_out_splits_by_the_validation_names():
    from types import SimpleNamespace

    seqs = [SimpleNamespace(name=n) for n in ("a", "b", "c", "d")]
    train, val = held_out(seqs, {"b", "d", "zz"})
    assert [s.name for s in val] == ["b", "d"] and [s.name for s in train] == ["a", "c"]


def test_validation_file_keeps_every_source_and_at_least_25_whole_videos():
    names = validation_names()
    assert len(names) >= 25
    assert any(n.startswith("davis-") for n in names) and any(n.startswith("lasot-") for n in names)
    assert {"truck4_2", "boat1", "car10"} <= names


def test_engine_tracks_give_iou_and_score_per_frame_with_ground_truth(tmp_path):
    from PIL import Image

    seq_dir = tmp_path / "seqs" / "walk"
    (seq_dir / "img").mkdir(parents=True)
    for i in range(4):
        Image.new("RGB", (100, 80)).save(str(seq_dir / "img" / f"{i + 1:04d}.jpg"))
    (seq_dir / "groundtruth_rect.txt").write_text("10,10,20,20\n12,10,20,20\nNaN,NaN,NaN,NaN\n30,30,20,20\n")
    tracks = tmp_path / "tracks"
    tracks.mkdir()
    # frame 0 is the init box and frame 2 has no ground truth: neither counts
    (tracks / "walk.csv").write_text("frame,id,x,y,w,h,score,state\n0,1,10,10,20,20,1.0,TRACKING\n"
                                     "1,1,12,10,20,20,0.9,TRACKING\n2,1,40,40,20,20,0.5,TRACKING\n"
                                     "3,1,80,0,20,20,0.1,LOST\n")
    ious, scores = engine_track_scores(str(tracks), [read_otb(str(seq_dir))])
    assert ious == [pytest.approx(1.0), 0.0] and scores == [0.9, 0.1]
    # sequences without a results file are skipped
    other = tmp_path / "seqs" / "other"
    (other / "img").mkdir(parents=True)
    Image.new("RGB", (100, 80)).save(str(other / "img" / "0001.jpg"))
    (other / "groundtruth_rect.txt").write_text("1,1,5,5\n")
    assert engine_track_scores(str(tracks), [read_otb(str(other))]) == ([], [])
