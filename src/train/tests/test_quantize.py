"""Static int8 (QDQ) variant: structure ONNX Runtime can fuse, and outputs close to the float model's."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from siamtrack_train.onnx_tools import onnx_numpy  # noqa: E402
from siamtrack_train.onnx_tools.quantize import quantize_dir  # noqa: E402

TRAIN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORT = os.path.join(TRAIN, "export.py")
QUANTIZE = os.path.join(TRAIN, "quantize.py")


def smooth_image(rng, size):
    """A blurred-noise BGR crop, 0..255, planar, batch 1 (calibration stand-in for real frames)."""
    coarse = rng.uniform(0, 255, (1, 3, size // 8 + 2, size // 8 + 2))
    return np.repeat(np.repeat(coarse, 8, axis=2), 8, axis=3)[:, :, :size, :size].astype(np.float32)


@pytest.fixture(scope="module")
def quantized(tmp_path_factory):
    src = tmp_path_factory.mktemp("tiny")
    subprocess.run([sys.executable, EXPORT, "--tiny", "--out", str(src)], check=True, capture_output=True,
                   timeout=120)
    instance = json.loads((src / "model.json").read_text())["instance_size"]
    rng = np.random.default_rng(0)
    crops = [(smooth_image(rng, 127), smooth_image(rng, instance)) for _ in range(6)]
    out = tmp_path_factory.mktemp("tiny") / "tiny-int8"
    card = quantize_dir(str(src), str(out), crops=crops, float_first=0)
    return src, out, card, instance


def outputs(model_dir, template, search):
    backbone = onnx.load(os.path.join(model_dir, "backbone.onnx"))
    head = onnx.load(os.path.join(model_dir, "head.onnx"))
    z = onnx_numpy.run(backbone, {"input": template})["output"]
    x = onnx_numpy.run(backbone, {"input": search})["output"]
    return x, onnx_numpy.run(head, {"input1": z, "input2": x})


def test_card_says_int8_and_how_it_was_calibrated(quantized):
    src, out, card, _ = quantized
    assert sorted(os.listdir(out)) == ["backbone.onnx", "head.onnx", "model.json"]
    written = json.loads((out / "model.json").read_text())
    assert written == card
    assert written["quantized"] == "int8" and written["name"] == "tiny-int8"
    assert written["quantization"]["calibration"]["pairs"] == 6
    source = json.loads((src / "model.json").read_text())
    assert {k: written[k] for k in source if k != "name"} == {k: v for k, v in source.items() if k != "name"}


def test_every_quantized_conv_is_a_fusable_qdq_group(quantized):
    """DequantizeLinear on each input (uint8 activation, int8 weights per channel, int32 bias) and a
    QuantizeLinear on the output, directly or after one Relu: what ONNX Runtime fuses into QLinearConv."""
    _, out, card, _ = quantized
    for name, expected in (("backbone.onnx", card["quantization"]["quantized_convs"]["backbone"]),
                           ("head.onnx", card["quantization"]["quantized_convs"]["head"])):
        model = onnx.load(str(out / name))
        g = model.graph
        producer = {o: n for n in g.node for o in n.output}
        users = {}
        for n in g.node:
            for i in n.input:
                users.setdefault(i, []).append(n)
        types = {t.name: t.data_type for t in g.initializer}
        fused = 0
        for conv in (n for n in g.node if n.op_type == "Conv"):
            feeds = [producer.get(i) for i in conv.input if i]
            if not all(f is not None and f.op_type == "DequantizeLinear" for f in feeds):
                continue
            fused += 1
            assert types[feeds[1].input[0]] == onnx.TensorProto.INT8
            if len(feeds) == 3:
                assert types[feeds[2].input[0]] == onnx.TensorProto.INT32
            after = users[conv.output[0]]
            if after[0].op_type == "Relu":
                after = users[after[0].output[0]]
            assert [n.op_type for n in after] == ["QuantizeLinear"], conv.name
        assert fused == expected > 0


def test_head_correlation_and_outputs_stay_float(quantized):
    _, out, _, _ = quantized
    g = onnx.load(str(out / "head.onnx")).graph
    producer = {o: n for n in g.node for o in n.output}
    correlation = next(n for n in g.node if n.op_type == "Conv" and producer.get(n.input[1], None) is not None
                       and producer[n.input[1]].op_type == "Reshape")
    assert correlation.input[0] == "input2"  # the search features, not dequantized
    assert [o.name for o in g.output] == ["output1", "output2"]
    assert producer["output1"].op_type == "Conv"
    floats = {t.name for t in g.initializer if t.data_type == onnx.TensorProto.FLOAT}
    assert all(i in floats for i in producer["output1"].input[1:])  # float weights and bias


def test_int8_outputs_close_to_float(quantized):
    src, out, _, instance = quantized
    rng = np.random.default_rng(1)
    template, search = smooth_image(rng, 127), smooth_image(rng, instance)
    x_float, float_out = outputs(str(src), template, search)
    x_int8, int8_out = outputs(str(out), template, search)
    assert x_int8.shape == x_float.shape
    rel = np.sqrt(((x_int8 - x_float) ** 2).mean() / (x_float ** 2).mean())
    assert rel < 0.1, rel
    logits = [o["output1"][0, 1] - o["output1"][0, 0] for o in (float_out, int8_out)]
    assert np.corrcoef(logits[0].ravel(), logits[1].ravel())[0, 1] > 0.98
    np.testing.assert_allclose(int8_out["output2"], float_out["output2"], rtol=0.1, atol=0.5)


def test_cli_refuses_existing_output_and_non_model_dirs(quantized, tmp_path):
    src, out, _, _ = quantized
    runs = [[sys.executable, QUANTIZE, str(src), "--out", str(out), "--train", str(tmp_path)],
            [sys.executable, QUANTIZE, str(tmp_path), "--out", str(tmp_path / "x"), "--train", str(tmp_path)]]
    for args in runs:
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "x").exists()


def write_otb_sequence(root, name, frames=4):
    """An OTB-layout sequence of plain frames with a 30x40 box moving right."""
    from PIL import Image
    seq = root / name
    (seq / "img").mkdir(parents=True)
    for i in range(frames):
        Image.new("RGB", (160, 120), (90 + 10 * i, 120, 60)).save(seq / "img" / f"{i + 1:04d}.jpg")
    (seq / "groundtruth_rect.txt").write_text("".join(f"{40 + 2 * i},30,30,40\n" for i in range(frames)))


def test_calibration_never_reads_the_validation_split(tmp_path):
    from siamtrack_train.data.sequences import validation_names
    from siamtrack_train.onnx_tools.quantize import QuantizeError, calibration_crops
    held_out_name = sorted(validation_names())[0]
    train = tmp_path / "train"
    write_otb_sequence(train, held_out_name)
    with pytest.raises(QuantizeError, match="no OTB or GOT-10k sequences"):
        calibration_crops(str(train), 191, 2)
    write_otb_sequence(train, "walker")
    assert len(calibration_crops(str(train), 191, 2)) == 2
