"""NanoTrack v3 as teacher and starting point: the graph runner reproduces v3, the head resized for a
smaller search crop gives the teacher's central cells, the surgery removes exactly what it says, and
distillation with a cut student moves it toward the teacher. Needs v3's graphs from ../shared (a
third-party file the repository does not ship): without them these tests are skipped with that reason."""
import copy
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from siamtrack_train.models import cut_v3, nanotrack  # noqa: E402
from siamtrack_train.onnx_tools import onnx_numpy  # noqa: E402
from siamtrack_train.training.distill import GraphModule, distill_losses, write_student  # noqa: E402

SHARED = os.environ.get("SIAMTRACK_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared"))
V3 = os.path.join(SHARED, "models", "reference", "nanotrack-v3")
needs_v3 = pytest.mark.skipif(not os.path.isfile(os.path.join(V3, "head.onnx")),
                              reason=f"NanoTrack v3's graphs are not in {V3} (../shared is absent)")


def crops(rng, n, size):
    coarse = rng.uniform(0, 255, (n, 3, size // 8 + 2, size // 8 + 2))
    return np.repeat(np.repeat(coarse, 8, axis=2), 8, axis=3)[:, :, :size, :size].astype(np.float32)


def test_score_geometry_follows_the_feature_grid():
    assert nanotrack.score_geometry(255) == (15, -112)
    assert nanotrack.score_geometry(223) == (13, -96)
    card = nanotrack.card("x", 223, {})
    assert (card["score_size"], card["grid_origin"], card["instance_size"]) == (13, -96, 223)
    # v3's own window (15 cells at 255) is kept for a smaller crop: two cells cut off on each side at 191
    assert (nanotrack.card("x", 191, {})["window_size"], nanotrack.score_geometry(191)) == (15, (11, -80))


@needs_v3
def test_cut_v3_writes_v3s_graphs_for_the_crop_and_refuses_an_even_map(tmp_path):
    import json
    cut_v3.cut(V3, 191, str(tmp_path / "cut"), "cut")
    card = json.loads((tmp_path / "cut" / "model.json").read_text())
    assert (card["instance_size"], card["score_size"], card["window_size"]) == (191, 11, 15)
    head = onnx.load(str(tmp_path / "cut" / "head.onnx"))
    rng = np.random.default_rng(1)
    out = onnx_numpy.run(head, {"input1": rng.standard_normal((1, 96, 8, 8)).astype(np.float32),
                                "input2": rng.standard_normal((1, 96, 12, 12)).astype(np.float32)})
    assert out["output1"].shape == (1, 2, 11, 11) and out["output2"].shape == (1, 4, 11, 11)
    with pytest.raises(ValueError, match="odd-sized"):
        cut_v3.cut(V3, 207, str(tmp_path / "even"), "even")
    assert not (tmp_path / "even").exists()


@needs_v3
def test_v3_is_recognised_and_runs_batched_like_the_reference_runner():
    assert nanotrack.is_v3(V3)
    backbone, head = nanotrack.load_pair(V3)
    rng = np.random.default_rng(0)
    z, x = crops(rng, 2, 127), crops(rng, 2, 255)
    with torch.no_grad():
        zf, = GraphModule(backbone)(torch.from_numpy(z))
        xf, = GraphModule(backbone)(torch.from_numpy(x))
        cls, ltrb = GraphModule(head)(zf, xf)
    assert cls.shape == (2, 2, 15, 15) and ltrb.shape == (2, 4, 15, 15)
    for n in range(2):
        ref_z = onnx_numpy.run(backbone, {"input": z[n:n + 1]})["output"]
        ref_x = onnx_numpy.run(backbone, {"input": x[n:n + 1]})["output"]
        ref = onnx_numpy.run(head, {"input1": ref_z, "input2": ref_x})
        np.testing.assert_allclose(cls[n:n + 1].numpy(), ref["output1"], rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(ltrb[n:n + 1].numpy(), ref["output2"], rtol=1e-4, atol=1e-3)


@needs_v3
def test_head_resized_for_223_runs_on_14x14_features_and_keeps_the_cell_order():
    backbone, head = nanotrack.load_pair(V3)
    small = nanotrack.set_search_size(copy.deepcopy(head), 223)
    rng = np.random.default_rng(1)
    z, x = crops(rng, 1, 127), crops(rng, 1, 223)
    ref_z = onnx_numpy.run(backbone, {"input": z})["output"]
    ref_x = onnx_numpy.run(backbone, {"input": x})["output"]
    assert ref_x.shape == (1, 96, 14, 14)
    ref = onnx_numpy.run(small, {"input1": ref_z, "input2": ref_x})
    assert ref["output1"].shape == (1, 2, 13, 13) and ref["output2"].shape == (1, 4, 13, 13)
    with torch.no_grad():
        cls, _ = GraphModule(small)(torch.from_numpy(ref_z.astype(np.float32)), torch.from_numpy(ref_x.astype(np.float32)))
    np.testing.assert_allclose(cls.numpy(), ref["output1"], rtol=1e-4, atol=1e-4)
    # the map is not transposed or shifted: a bright patch left of centre raises the score left of centre
    x_patch = np.zeros((1, 3, 223, 223), dtype=np.float32)
    x_patch[..., 95:127, 47:79] = 255
    z_patch = np.zeros((1, 3, 127, 127), dtype=np.float32)
    z_patch[..., 47:79, 47:79] = 255
    zp = onnx_numpy.run(backbone, {"input": z_patch})["output"]
    xp = onnx_numpy.run(backbone, {"input": x_patch})["output"]
    out = onnx_numpy.run(small, {"input1": zp, "input2": xp})["output1"]
    score = out[0, 1] - out[0, 0]
    row, col = np.unravel_index(np.argmax(score), score.shape)
    # the patch centre is 48 px left of the crop centre: 3 cells of 16 px from the central cell (6, 6)
    assert abs(row - 6) <= 1 and abs(col - 3) <= 1


@needs_v3
def test_surgery_removes_the_named_blocks_and_tower_layers_only():
    backbone, head = nanotrack.load_pair(V3)
    adds = nanotrack.residual_adds(backbone)
    assert len(adds) == 4 and [len(t) for t in nanotrack.tower_layers(head)] == [6, 6]
    convs = sum(n.op_type == "Conv" for n in backbone.graph.node)
    nanotrack.drop_residual_blocks(backbone, [2, 3])
    assert len(nanotrack.residual_adds(backbone)) == 2
    # block 2 is expand 1x1 + depth-wise 5x5 + project 1x1 (squeeze-excite aside), block 3 the same
    assert sum(n.op_type == "Conv" for n in backbone.graph.node) == convs - 6
    head_convs = sum(n.op_type == "Conv" for n in head.graph.node)
    nanotrack.drop_tower_layers(head, [1, 3, 5])
    assert [len(t) for t in nanotrack.tower_layers(head)] == [3, 3]
    assert sum(n.op_type == "Conv" for n in head.graph.node) == head_convs - 12
    onnx.checker.check_model(backbone)
    onnx.checker.check_model(head)
    with pytest.raises(ValueError, match="the backbone has 2"):
        nanotrack.drop_residual_blocks(backbone, [3])


@needs_v3
def test_cut_student_moves_toward_v3_and_is_written_as_a_model(tmp_path):
    teacher_bb_model, teacher_head_model = nanotrack.load_pair(V3)
    student_bb_model = nanotrack.drop_residual_blocks(copy.deepcopy(teacher_bb_model), [3])
    student_head_model = nanotrack.set_search_size(
        nanotrack.drop_tower_layers(copy.deepcopy(teacher_head_model), [5]), 223)
    teacher_bb, head = GraphModule(teacher_bb_model).eval(), GraphModule(teacher_head_model).eval()
    student_bb, student_head = GraphModule(student_bb_model), GraphModule(student_head_model)
    rng = np.random.default_rng(2)
    batch = {"exemplar": torch.from_numpy(crops(rng, 2, 127)), "instance": torch.from_numpy(crops(rng, 2, 255)),
             "target": [np.array([-20, -20, 20, 20], dtype=np.float32), None],
             "labelled": torch.tensor([True, True])}
    points = -96 + 16 * torch.arange(13, dtype=torch.float32)
    weights = {"feature": 1.0, "kd_score": 1.0, "kd_box": 0.5}
    opt = torch.optim.Adam(list(student_bb.parameters()) + list(student_head.parameters()), lr=1e-3)
    first = None
    for _ in range(6):
        total, losses = distill_losses(teacher_bb, head, student_bb, batch, weights, (), student_head, 16, points)
        first = float(total) if first is None else first
        opt.zero_grad()
        total.backward()
        opt.step()
    total, _ = distill_losses(teacher_bb, head, student_bb, batch, weights, (), student_head, 16, points)
    assert float(total) < first
    card = nanotrack.card("student", 223, {"teacher": "nanotrack-v3"})
    write_student(student_bb, student_bb_model, V3, str(tmp_path), card, student_head, student_head_model)
    written = onnx.load(str(tmp_path / "head.onnx"))
    assert [len(t) for t in nanotrack.tower_layers(written)] == [5, 5]
    assert [d.dim_value for d in written.graph.output[0].type.tensor_type.shape.dim] == [1, 2, 13, 13]
