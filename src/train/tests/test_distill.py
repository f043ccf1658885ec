"""Student surgery and distillation: the PyTorch graph runner is exact, dropped and narrowed blocks do
what they say, training moves the student toward the teacher, and the written student loads."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
from onnx import numpy_helper  # noqa: E402

from siamtrack_train.losses import make_targets, score_loss  # noqa: E402
from siamtrack_train.models.siamtracker import STRIDE, cell_points  # noqa: E402
from siamtrack_train.onnx_tools import onnx_numpy  # noqa: E402
from siamtrack_train.training.distill import (GraphModule, build_student, conv_macs, distill_losses,  # noqa: E402
                                              drop_blocks, hint_points, narrow_block, write_student)

TRAIN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORT = os.path.join(TRAIN, "export.py")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    subprocess.run([sys.executable, EXPORT, "--tiny", "--out", str(out)], check=True, capture_output=True,
                   timeout=120)
    return out


def crops(rng, n, size):
    coarse = rng.uniform(0, 255, (n, 3, size // 8 + 2, size // 8 + 2))
    return np.repeat(np.repeat(coarse, 8, axis=2), 8, axis=3)[:, :, :size, :size].astype(np.float32)


def load(model_dir, name):
    return onnx.load(os.path.join(model_dir, name))


def test_graph_module_runs_backbone_and_head_like_the_reference_runner(tiny):
    rng = np.random.default_rng(0)
    z, x = crops(rng, 2, 127), crops(rng, 2, 223)
    backbone, head = GraphModule(load(tiny, "backbone.onnx")), GraphModule(load(tiny, "head.onnx"))
    with torch.no_grad():
        zf, = backbone(torch.from_numpy(z))
        xf, = backbone(torch.from_numpy(x))
        cls, ltrb = head(zf, xf)
    for n in range(2):  # the reference runs batch 1, the module the whole batch at once
        ref_z = onnx_numpy.run(load(tiny, "backbone.onnx"), {"input": z[n:n + 1]})["output"]
        ref_x = onnx_numpy.run(load(tiny, "backbone.onnx"), {"input": x[n:n + 1]})["output"]
        ref = onnx_numpy.run(load(tiny, "head.onnx"), {"input1": ref_z, "input2": ref_x})
        np.testing.assert_allclose(zf[n:n + 1].numpy(), ref_z, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(cls[n:n + 1].numpy(), ref["output1"], rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(ltrb[n:n + 1].numpy(), ref["output2"], rtol=1e-4, atol=1e-3)


def test_dropping_a_residual_block_removes_exactly_its_work(tiny):
    teacher = load(tiny, "backbone.onnx")
    residual = [n.name for n in teacher.graph.node if n.op_type == "Add" and n.name.startswith("/trunk/blocks.")]
    assert residual == ["/trunk/blocks.3/Add"]
    block_macs = conv_macs(teacher, 223) - conv_macs(drop_blocks(load(tiny, "backbone.onnx"), [3]), 223)
    student = drop_blocks(load(tiny, "backbone.onnx"), [3])
    onnx.checker.check_model(student)
    assert not [n for n in student.graph.node if n.name.startswith("/trunk/blocks.3/")]
    assert block_macs > 0
    out = onnx_numpy.run(student, {"input": crops(np.random.default_rng(1), 1, 127)})["output"]
    assert out.shape == (1, 16, 8, 8)
    with pytest.raises(ValueError, match="not a residual block"):
        drop_blocks(load(tiny, "backbone.onnx"), [0])


def test_narrowing_keeps_the_channels_that_carry_weight(tiny):
    model = load(tiny, "backbone.onnx")
    inits = {i.name: i for i in model.graph.initializer}
    project = [n for n in model.graph.node if n.name == "/trunk/blocks.0/project/Conv"][0]
    weight = numpy_helper.to_array(inits[project.input[1]]).copy()
    silent = np.arange(0, weight.shape[1], 2)  # half the expansion channels feed nothing onward
    weight[:, silent] = 0
    inits[project.input[1]].CopyFrom(numpy_helper.from_array(weight, project.input[1]))
    crop = crops(np.random.default_rng(2), 1, 127)
    before = onnx_numpy.run(model, {"input": crop})["output"]
    narrow_block(model, 0, weight.shape[1] // 2)
    onnx.checker.check_model(model)
    np.testing.assert_allclose(onnx_numpy.run(model, {"input": crop})["output"], before, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="squeeze-excite"):
        narrow_block(load(tiny, "backbone.onnx"), 1, 8)


def test_training_steps_bring_the_student_toward_the_teacher_and_it_is_written_back(tiny, tmp_path):
    torch.manual_seed(0)
    rng = np.random.default_rng(3)
    teacher = GraphModule(load(tiny, "backbone.onnx")).eval()
    head = GraphModule(load(tiny, "head.onnx")).eval()
    student_model = build_student(str(tiny), [3], [(0, 8)])
    student = GraphModule(student_model)
    batch = {"exemplar": torch.from_numpy(crops(rng, 4, 127)), "instance": torch.from_numpy(crops(rng, 4, 127)),
             "target": [np.array([-20, -10, 30, 25], dtype=np.float32), None,
                        np.array([0, 0, 40, 40], dtype=np.float32), None],
             "labelled": torch.ones(4, dtype=torch.bool)}
    weights = {"feature": 1.0, "hint": 1.0, "kd_score": 1.0, "kd_box": 0.5}
    hints = hint_points(load(tiny, "backbone.onnx"), student_model)
    # the tiny trunk's blocks without a residual (0, narrowed, 1 and 2); 3, residual, is dropped
    assert hints == [f"/trunk/blocks.{b}/project/Conv_output_0" for b in (0, 1, 2)]
    opt = torch.optim.Adam(student.parameters(), lr=1e-3)
    first = first_total = None
    for _ in range(20):
        total, losses = distill_losses(teacher, head, student, batch, weights, hints)
        first = first if first is not None else float(losses["feature"])
        first_total = first_total if first_total is not None else float(total)
        opt.zero_grad()
        total.backward()
        opt.step()
    total, losses = distill_losses(teacher, head, student, batch, weights, hints)
    assert float(losses["feature"]) < 0.7 * first
    assert float(total) < 0.7 * first_total

    card = {"name": "tiny-student", "instance_size": 223}
    write_student(student, student_model, str(tiny), str(tmp_path / "student"), card)
    assert sorted(os.listdir(tmp_path / "student")) == ["backbone.onnx", "head.onnx", "model.json"]
    assert json.loads((tmp_path / "student" / "model.json").read_text())["name"] == "tiny-student"
    written = onnx.load(str(tmp_path / "student" / "backbone.onnx"))
    with torch.no_grad():
        expected, = student(batch["exemplar"][:1])
    got = onnx_numpy.run(written, {"input": batch["exemplar"][:1].numpy()})["output"]
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-4, atol=1e-4)


def test_unlabelled_pairs_get_only_the_teacher_terms(tiny):
    torch.manual_seed(0)
    rng = np.random.default_rng(4)
    teacher = GraphModule(load(tiny, "backbone.onnx")).eval()
    head = GraphModule(load(tiny, "head.onnx")).eval()
    student = GraphModule(build_student(str(tiny), [3], []))
    exemplar, instance = torch.from_numpy(crops(rng, 3, 127)), torch.from_numpy(crops(rng, 3, 127))
    box = np.array([-20, -10, 30, 25], dtype=np.float32)
    weights = {"feature": 1.0, "kd_score": 1.0, "kd_box": 0.5, "score": 1.0, "box": 1.0}
    mixed = {"exemplar": exemplar, "instance": instance, "target": [box, None, box],
             "labelled": torch.tensor([True, False, False])}
    first_only = {"exemplar": exemplar[:1], "instance": instance[:1], "target": [box],
                  "labelled": torch.tensor([True])}
    with torch.no_grad():
        _, with_unlabelled = distill_losses(teacher, head, student, mixed, weights)
        _, alone = distill_losses(teacher, head, student, first_only, weights)
        _, none_labelled = distill_losses(teacher, head, student, dict(mixed, labelled=torch.zeros(3, dtype=torch.bool)),
                                          weights)
    # the unlabelled pairs change no ground-truth term (their None is not "target absent")
    assert abs(float(with_unlabelled["score"]) - float(alone["score"])) < 1e-6
    assert abs(float(with_unlabelled["box"]) - float(alone["box"])) < 1e-6
    # while the teacher terms see all three pairs
    assert abs(float(with_unlabelled["feature"]) - float(alone["feature"])) > 1e-6
    assert float(none_labelled["score"]) == 0 and float(none_labelled["box"]) == 0
    assert float(none_labelled["feature"]) > 0 and float(none_labelled["kd_score"]) > 0


def test_the_ground_truth_score_loss_is_the_one_asked_for(tiny):
    torch.manual_seed(0)
    rng = np.random.default_rng(5)
    teacher = GraphModule(load(tiny, "backbone.onnx")).eval()
    head = GraphModule(load(tiny, "head.onnx")).eval()
    student = GraphModule(build_student(str(tiny), [], []))
    exemplar, instance = torch.from_numpy(crops(rng, 2, 127)), torch.from_numpy(crops(rng, 2, 127))
    box = np.array([-20, -10, 30, 25], dtype=np.float32)
    batch = {"exemplar": exemplar, "instance": instance, "target": [box, box],
             "labelled": torch.tensor([True, True])}
    weights = {"score": 1.0}
    with torch.no_grad():
        logits, _ = head(student(exemplar)[0], student(instance)[0])
        labels, _ = make_targets([box, box], cell_points(127), STRIDE)
        _, focal = distill_losses(teacher, head, student, batch, weights)
        _, bce = distill_losses(teacher, head, student, batch, weights, score_kind="bce")
    assert float(focal["score"]) == pytest.approx(float(score_loss(logits, labels, "focal")), rel=1e-5)
    assert float(bce["score"]) == pytest.approx(float(score_loss(logits, labels, "bce")), rel=1e-5)
    assert abs(float(bce["score"]) - float(focal["score"])) > 1e-3
