"""TF.js graph importer on a tiny synthetic graph (no npm download needed)."""
import base64
import json
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from siamtrack_train.models.tfjs_import import import_trunk, load_weights, read_architecture  # noqa: E402
from siamtrack_train.models.trunk import freeze_padding, same_pads  # noqa: E402

P = "tower_0/MobilenetV3"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def conv_node(name, inputs, stride, fused, op="_FusedConv2D"):
    return {"name": name, "op": op, "input": inputs,
            "attr": {"strides": {"list": {"i": ["1", str(stride), str(stride), "1"]}},
                     "padding": {"s": b64("SAME")}, "fused_ops": {"list": {"s": [b64(f) for f in fused]}}}}


def tiny_graph(tmp_path):
    """Stem (3x3/2, hard-swish) -> block (expand relu, 5x5/2 depthwise relu, SE) -> residual block
    (3x3/1 depthwise hard-swish) -> block (3x3/2), which lies beyond stride 4."""
    rng = np.random.default_rng(0)
    weights = {}

    def w(name, shape):
        weights[name] = rng.normal(0, 0.3, shape).astype(np.float32)

    def const(name, value):
        weights[name] = np.array(value, dtype=np.float32)

    nodes = [{"name": "tower_0/images", "op": "Placeholder"}]
    w(f"{P}/Conv/Conv2D_weights", (3, 3, 3, 4)); w(f"{P}/Conv/Conv2D_bn_offset", (4,))
    const(f"{P}/Conv/hard_swish/mul_1/y", 1 / 6); const(f"{P}/Conv/hard_swish/add/y", 3.0)
    nodes += [conv_node(f"{P}/Conv/BatchNorm/FusedBatchNorm",
                        ["tower_0/images", f"{P}/Conv/Conv2D_weights", f"{P}/Conv/Conv2D_bn_offset"], 2, ["BiasAdd"]),
              {"name": f"{P}/Conv/hard_swish/mul_1", "op": "Mul"}]
    b = f"{P}/expanded_conv"
    w(f"{b}/expand/Conv2D_weights", (1, 1, 4, 8)); w(f"{b}/expand/Conv2D_bn_offset", (8,))
    w(f"{b}/depthwise/depthwise_weights", (5, 5, 8, 1)); w(f"{b}/depthwise/depthwise_bn_offset", (8,))
    w("MobilenetV3/expanded_conv/squeeze_excite/Conv/weights", (1, 1, 8, 2))
    w("MobilenetV3/expanded_conv/squeeze_excite/Conv/biases", (2,))
    w("MobilenetV3/expanded_conv/squeeze_excite/Conv_1/weights", (1, 1, 2, 8))
    w("MobilenetV3/expanded_conv/squeeze_excite/Conv_1/biases", (8,))
    const(f"{b}/squeeze_excite/Conv_1/add/y", 3.0); const(f"{b}/squeeze_excite/Conv_1/mul/y", 1 / 6)
    weights[f"{b}/squeeze_excite/Mean/reduction_indices"] = np.array([1, 2], dtype=np.int32)
    w(f"{b}/project/Conv2D_weights", (1, 1, 8, 6)); w(f"{b}/project/Conv2D_bn_offset", (6,))
    nodes += [conv_node(f"{b}/expand/Relu", ["x", f"{b}/expand/Conv2D_weights", "o"], 1, ["BiasAdd", "Relu"]),
              conv_node(f"{b}/depthwise/depthwise", ["x", f"{b}/depthwise/depthwise_weights", "o"], 2,
                        ["BiasAdd", "Relu"], "FusedDepthwiseConv2dNative")]
    b = f"{P}/expanded_conv_1"
    w(f"{b}/depthwise/depthwise_weights", (3, 3, 6, 1)); w(f"{b}/depthwise/depthwise_bn_offset", (6,))
    const(f"{b}/depthwise/hard_swish/mul_1/y", 1 / 6); const(f"{b}/depthwise/hard_swish/add/y", 3.0)
    w(f"{b}/project/Conv2D_weights", (1, 1, 6, 6)); w(f"{b}/project/Conv2D_bn_offset", (6,))
    nodes += [conv_node(f"{b}/depthwise/depthwise", ["x", f"{b}/depthwise/depthwise_weights", "o"], 1,
                        ["BiasAdd"], "FusedDepthwiseConv2dNative"),
              {"name": f"{b}/depthwise/hard_swish/mul_1", "op": "Mul"}, {"name": f"{b}/add", "op": "Add"}]
    b = f"{P}/expanded_conv_2"
    w(f"{b}/depthwise/depthwise_weights", (3, 3, 6, 1)); w(f"{b}/depthwise/depthwise_bn_offset", (6,))
    w(f"{b}/project/Conv2D_weights", (1, 1, 6, 8)); w(f"{b}/project/Conv2D_bn_offset", (8,))
    nodes += [conv_node(f"{b}/depthwise/depthwise", ["x", f"{b}/depthwise/depthwise_weights", "o"], 2,
                        ["BiasAdd", "Relu"], "FusedDepthwiseConv2dNative")]

    entries, blob = [], b""
    for name, value in weights.items():
        if value.dtype == np.int32:
            entries.append({"name": name, "shape": list(value.shape), "dtype": "int32"})
            blob += value.tobytes()
        else:
            entries.append({"name": name, "shape": list(value.shape), "dtype": "float32",
                            "quantization": {"dtype": "float16", "original_dtype": "float32"}})
            blob += value.astype(np.float16).tobytes()
    (tmp_path / "group1-shard1of1.bin").write_bytes(blob)
    model = {"format": "graph-model", "modelTopology": {"node": nodes},
             "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": entries}]}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    return str(path), {k: v.astype(np.float16).astype(np.float32) if v.dtype == np.float32 else v
                       for k, v in weights.items()}


def test_same_pads_match_tensorflow():
    assert same_pads(5, 3, 2) == (1, 1)
    assert same_pads(6, 3, 2) == (0, 1)
    assert same_pads(64, 5, 2) == (1, 2)
    assert same_pads(7, 3, 1) == (1, 1)


def test_weights_are_decoded_from_float16_and_int32(tmp_path):
    path, expected = tiny_graph(tmp_path)
    _, weights = load_weights(path)
    assert weights[f"{P}/expanded_conv/squeeze_excite/Mean/reduction_indices"].tolist() == [1, 2]
    np.testing.assert_array_equal(weights[f"{P}/Conv/Conv2D_weights"], expected[f"{P}/Conv/Conv2D_weights"])


def test_architecture_is_read_from_the_graph(tmp_path):
    path, _ = tiny_graph(tmp_path)
    model, weights = load_weights(path)
    specs = read_architecture(model, weights, stride_limit=4)
    assert [s["name"] for s in specs] == ["Conv", "expanded_conv", "expanded_conv_1"]
    stem, b0, b1 = specs
    assert (stem["in"], stem["out"], stem["kernel"], stem["stride"], stem["act"]) == (3, 4, 3, 2, "hswish")
    assert stem["act_scale"] == pytest.approx(1 / 6, abs=1e-4)
    assert (b0["expand"], b0["kernel"], b0["stride"], b0["act"], b0["se"], b0["out"], b0["residual"]) == \
        (8, 5, 2, "relu", 2, 6, False)
    assert "expand" not in b1 and (b1["stride"], b1["act"], b1["residual"]) == (1, "hswish", True)
    assert len(read_architecture(model, weights, stride_limit=8)) == 4


def test_imported_stem_matches_a_reference_convolution(tmp_path):
    path, w = tiny_graph(tmp_path)
    trunk, specs, endpoint = import_trunk(path, stride_limit=4)
    assert endpoint == f"{P}/expanded_conv_1/add"
    x = np.random.default_rng(1).uniform(0, 255, (6, 6, 3)).astype(np.float32)
    # TF SAME, stride 2, 3x3 on 6x6: pad 0 before, 1 after -> 3x3 output
    xp = np.pad(x, ((0, 1), (0, 1), (0, 0)))
    k, bias = w[f"{P}/Conv/Conv2D_weights"], w[f"{P}/Conv/Conv2D_bn_offset"]
    ref = np.zeros((3, 3, 4), np.float32)
    for i in range(3):
        for j in range(3):
            ref[i, j] = np.einsum("hwc,hwco->o", xp[2 * i:2 * i + 3, 2 * j:2 * j + 3], k) + bias
    ref = ref * np.clip(ref + 3, 0, 6) * np.float32(np.float16(1 / 6))
    with torch.no_grad():
        got = trunk.stem(torch.from_numpy(x).permute(2, 0, 1)[None])[0].permute(1, 2, 0).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-3)


def test_block_weights_land_in_torch_layout(tmp_path):
    path, w = tiny_graph(tmp_path)
    trunk, _, _ = import_trunk(path, stride_limit=4)
    b0 = trunk.blocks[0]
    tf_dw = w[f"{P}/expanded_conv/depthwise/depthwise_weights"]  # [kh, kw, ch, 1]
    assert b0.depthwise.conv.weight[5, 0, 1, 3].item() == pytest.approx(float(tf_dw[1, 3, 5, 0]))
    tf_pw = w[f"{P}/expanded_conv/project/Conv2D_weights"]  # [1, 1, in, out]
    assert b0.project.weight[4, 7, 0, 0].item() == pytest.approx(float(tf_pw[0, 0, 7, 4]))
    tf_se = w["MobilenetV3/expanded_conv/squeeze_excite/Conv_1/weights"]
    assert b0.se.expand.weight[6, 1, 0, 0].item() == pytest.approx(float(tf_se[0, 0, 1, 6]))


def test_trunk_output_stride_and_frozen_padding(tmp_path):
    path, _ = tiny_graph(tmp_path)
    trunk, _, _ = import_trunk(path, stride_limit=4)
    x = torch.rand(1, 3, 31, 31) * 255
    with torch.no_grad():
        dynamic = trunk(x)
        freeze_padding(trunk, sizes=(31, 15))
        frozen = trunk(x)
    assert dynamic.shape == (1, 6, math.ceil(31 / 4), math.ceil(31 / 4))
    torch.testing.assert_close(dynamic, frozen)
