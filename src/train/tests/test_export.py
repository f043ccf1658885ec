"""Export contract: the tiny untrained model exported with the exact command the Java test uses."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from siamtrack_train.models.siamtracker import (GRID_ORIGIN, SCORE_SIZE, STRIDE, cell_points,  # noqa: E402
                                                feature_coord, score_geometry, tiny_model)
from siamtrack_train.models.trunk import freeze_padding, unfreeze_padding  # noqa: E402
from siamtrack_train.onnx_tools import onnx_numpy  # noqa: E402
from siamtrack_train.onnx_tools.export import export_onnx  # noqa: E402
from siamtrack_train.settings import TRACK_INSTANCE  # noqa: E402

EXPORT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "export.py")


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    subprocess.run([sys.executable, EXPORT, "--tiny", "--out", str(out)], check=True, capture_output=True, timeout=120)
    return out


def test_files_and_onnx_checker(exported):
    assert sorted(os.listdir(exported)) == ["backbone.onnx", "head.onnx", "model.json"]
    for name in ("backbone.onnx", "head.onnx"):
        model = onnx.load(str(exported / name))
        onnx.checker.check_model(model)
        assert model.opset_import[0].version == 14


def test_backbone_io(exported):
    g = onnx.load(str(exported / "backbone.onnx")).graph
    assert [i.name for i in g.input] == ["input"] and [o.name for o in g.output] == ["output"]
    d_in, d_out = dims(g.input[0]), dims(g.output[0])
    assert d_in[:2] == [1, 3] and all(isinstance(d, str) for d in d_in[2:])  # symbolic H, W
    assert d_out[:2] == [1, 16] and all(isinstance(d, str) for d in d_out[2:])


def test_export_runs_the_graph_pass(exported):
    backbone = {n.op_type for n in onnx.load(str(exported / "backbone.onnx")).graph.node}
    head = {n.op_type for n in onnx.load(str(exported / "head.onnx")).graph.node}
    assert not backbone & {"Pad", "ConstantOfShape", "Constant", "Clip"} and "HardSwish" in backbone, backbone
    assert "BatchNormalization" not in head and "Identity" not in head, head


def test_head_io(exported):
    g = onnx.load(str(exported / "head.onnx")).graph
    assert {i.name: dims(i) for i in g.input} == {"input1": [1, 16, 8, 8],
                                                 "input2": [1, 16, "search_height", "search_width"]}
    assert {o.name: dims(o) for o in g.output} == {"output1": [1, 2, "score_height", "score_width"],
                                                  "output2": [1, 4, "score_height", "score_width"]}


def test_head_graph_takes_any_search_size(tmp_path):
    """Exported at 16x16 search features, the graph computes the torch head at 14x14 too."""
    model = tiny_model().eval()
    export_onnx(model, str(tmp_path))
    head = onnx.load(str(tmp_path / "head.onnx"))
    torch.manual_seed(0)
    for cells in (16, 14):
        zf, xf = torch.randn(1, 16, 8, 8), torch.randn(1, 16, cells, cells)
        with torch.no_grad():
            cls, ltrb = model.head(zf, xf)
        out = onnx_numpy.run(head, {"input1": zf.numpy(), "input2": xf.numpy()})
        size = cells + 1
        assert out["output1"].shape == (1, 2, size, size) and size == score_geometry(16 * cells - 1)[0]
        np.testing.assert_allclose(out["output1"], cls.numpy(), atol=1e-4)
        np.testing.assert_allclose(out["output2"], ltrb.numpy(), rtol=1e-4, atol=1e-3)


def test_score_geometry():
    assert score_geometry(255) == (SCORE_SIZE, GRID_ORIGIN) == (17, -128)
    assert score_geometry(TRACK_INSTANCE) == (15, -112) and TRACK_INSTANCE == 223
    assert cell_points(223)[0] == -112 and cell_points(223)[-1] == 112
    with pytest.raises(ValueError):
        score_geometry(250)


def test_model_card(exported):
    card = json.loads((exported / "model.json").read_text())
    assert card["family"] == "siamtrack" and card["format_version"] == 1
    assert (card["exemplar_size"], card["instance_size"], card["stride"]) == (127, 223, 16)
    assert card["score_size"] == 15 and card["grid_origin"] == -112
    assert card["channel_order"] == "BGR" and card["score_activation"] == "softmax2"
    assert card["normalize"] == {"scale": 1.0, "mean": [0, 0, 0], "std": [1, 1, 1]}
    assert card["hyper"] == {"window_influence": 0.30, "penalty_k": 0.15, "lr": 0.385}
    assert card["name"] == os.path.basename(str(exported))


def test_torch_shapes_for_both_crop_sizes_and_frozen_padding():
    model = tiny_model().eval()
    z, x = torch.rand(1, 3, 127, 127) * 255, torch.rand(1, 3, 255, 255) * 255
    with torch.no_grad():
        zf, xf = model.backbone(z), model.backbone(x)
        cls, ltrb = model.head(zf, xf)
        freeze_padding(model.backbone)
        torch.testing.assert_close(model.backbone(z), zf)
        torch.testing.assert_close(model.backbone(x), xf)
        unfreeze_padding(model.backbone)
    assert zf.shape == (1, 16, 8, 8) and xf.shape == (1, 16, 16, 16)
    assert cls.shape == (1, 2, SCORE_SIZE, SCORE_SIZE) and ltrb.shape == (1, 4, SCORE_SIZE, SCORE_SIZE)
    assert bool((ltrb > 0).all())


def test_grid_is_symmetric_and_features_line_up_with_it():
    pts = cell_points()
    assert pts[0] == GRID_ORIGIN and pts[-1] == -GRID_ORIGIN and pts[1] - pts[0] == STRIDE
    # search feature 7 sits at crop pixel 16 * 7 + 14 = 126, one pixel left of the centre (127)
    assert float(feature_coord(torch.tensor(-1.0))) == pytest.approx(7.0)


def test_export_usage_errors_exit_2(tmp_path):
    res = subprocess.run([sys.executable, EXPORT, "--out", str(tmp_path)], capture_output=True, text=True)
    assert res.returncode == 2 and "exactly one of --tiny or --checkpoint" in res.stderr
    res = subprocess.run([sys.executable, EXPORT, "--checkpoint", str(tmp_path / "none.pt"), "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "checkpoint not found" in res.stderr
