"""onnx_opt: the rewritten graphs compute what the exported ones do (numpy interpreter, checked
against torch), lose the ops ONNX Runtime cannot fuse, and patterns with other constants are left alone."""
import collections
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from siamtrack_train.models.siamtracker import TINY_SPECS, SiamTracker  # noqa: E402
from siamtrack_train.models.trunk import Trunk  # noqa: E402
from siamtrack_train.onnx_tools import onnx_numpy  # noqa: E402
from siamtrack_train.onnx_tools.export import export_onnx  # noqa: E402
from siamtrack_train.onnx_tools.onnx_opt import optimize  # noqa: E402

OPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "onnx_opt.py")
S = 0.1666259765625  # the source graph's 1/6, rounded to float16
UNFUSABLE = {"Pad", "ConstantOfShape", "Constant", "Clip", "Cast", "Slice", "Transpose", "Concat", "Identity"}


def ops(model):
    return collections.Counter(n.op_type for n in model.graph.node)


def dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def attribute(node, name):
    return next(helper.get_attribute_value(a) for a in node.attribute if a.name == name)


def assert_same(actual, expected, rel):
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rel * scale)


@pytest.fixture(scope="module")
def tiny_raw(tmp_path_factory):
    """The tiny network, with the source graph's hard-swish / hard-sigmoid scale, and its graphs as
    torch exports them (before the pass)."""
    out = tmp_path_factory.mktemp("tiny-raw")
    torch.manual_seed(0)
    net = SiamTracker(Trunk([dict(spec, act_scale=S, se_scale=S) for spec in TINY_SPECS]), channels=16, hidden=16)
    net.eval()
    export_onnx(net, str(out), optimize=False)
    return net, out


@pytest.mark.parametrize("size", [127, 255])
def test_tiny_backbone_matches_torch_before_and_after(tiny_raw, size):
    net, out = tiny_raw
    raw = onnx.load(str(out / "backbone.onnx"))
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(size)) * 255
    with torch.no_grad():
        expected = net.backbone(x).double().numpy()
    before = onnx_numpy.run(raw, {"input": x.numpy()})["output"]
    after = onnx_numpy.run(optimize(raw), {"input": x.numpy()})["output"]
    assert_same(before, expected, 1e-5)  # the interpreter reads the exported graph right
    assert_same(after, before, 1e-6)


def test_tiny_head_matches_torch_before_and_after(tiny_raw):
    net, out = tiny_raw
    raw = onnx.load(str(out / "head.onnx"))
    gen = torch.Generator().manual_seed(1)
    z, x = torch.randn(1, 16, 8, 8, generator=gen) * 3, torch.randn(1, 16, 16, 16, generator=gen) * 3
    with torch.no_grad():
        cls, ltrb = (t.double().numpy() for t in net.head(z, x))
    feeds = {"input1": z.numpy(), "input2": x.numpy()}
    before, after = onnx_numpy.run(raw, feeds), onnx_numpy.run(optimize(raw), feeds)
    assert_same(before["output1"], cls, 1e-5)
    assert_same(before["output2"], ltrb, 1e-5)
    assert_same(after["output1"], before["output1"], 1e-6)
    assert_same(after["output2"], before["output2"], 1e-6)


def test_tiny_graphs_lose_the_unfusable_ops_and_keep_their_interface(tiny_raw):
    _, out = tiny_raw
    for name in ("backbone.onnx", "head.onnx"):
        raw = onnx.load(str(out / name))
        opt = optimize(raw)
        onnx.checker.check_model(opt)
        ltrb_clamp = {"Clip"} if name == "head.onnx" else set()
        assert not (UNFUSABLE - ltrb_clamp) & set(ops(opt)), ops(opt)
        assert len(opt.graph.node) < len(raw.graph.node)
        assert [(v.name, dims(v)) for v in opt.graph.input] == [(v.name, dims(v)) for v in raw.graph.input]
        assert [(v.name, dims(v)) for v in opt.graph.output] == [(v.name, dims(v)) for v in raw.graph.output]
    backbone = optimize(onnx.load(str(out / "backbone.onnx")))
    assert ops(backbone)["HardSwish"] == 5 and ops(backbone)["HardSigmoid"] == 2
    assert ops(backbone)["Mul"] == 2  # the squeeze-excite products; every constant factor went into weights
    assert dims(backbone.graph.input[0])[0] == 1 and all(isinstance(d, str) for d in dims(backbone.graph.input[0])[2:])
    assert "BatchNormalization" not in ops(optimize(onnx.load(str(out / "head.onnx"))))


# ---- a hand-built graph: torch's pad chain, hard-swish, squeeze-excite, residual, batch norm ------

def const_node(name, value):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(value), name))


def torch_pad_chain(prefix, torch_pads):
    """The nodes torch 1.13 exports for F.pad(x, torch_pads) (ending in `prefix`/pads)."""
    p = prefix
    return [
        const_node(f"{p}/n", np.array([4], np.int64)),
        const_node(f"{p}/given", np.array(torch_pads, np.int64)),
        helper.make_node("ConstantOfShape", [f"{p}/n"], [f"{p}/zeros"],
                         value=numpy_helper.from_array(np.array([0], np.int64))),
        helper.make_node("Concat", [f"{p}/given", f"{p}/zeros"], [f"{p}/cat"], axis=0),
        const_node(f"{p}/pairs_shape", np.array([-1, 2], np.int64)),
        helper.make_node("Reshape", [f"{p}/cat", f"{p}/pairs_shape"], [f"{p}/pairs"]),
        const_node(f"{p}/axis", np.array([0], np.int64)),
        const_node(f"{p}/start", np.array([-1], np.int64)),
        const_node(f"{p}/end", np.array([-9223372036854775807], np.int64)),
        const_node(f"{p}/step", np.array([-1], np.int64)),
        helper.make_node("Slice", [f"{p}/pairs", f"{p}/start", f"{p}/end", f"{p}/axis", f"{p}/step"], [f"{p}/rev"]),
        helper.make_node("Transpose", [f"{p}/rev"], [f"{p}/t"], perm=[1, 0]),
        const_node(f"{p}/flat_shape", np.array([-1], np.int64)),
        helper.make_node("Reshape", [f"{p}/t", f"{p}/flat_shape"], [f"{p}/flat"]),
        helper.make_node("Cast", [f"{p}/flat"], [f"{p}/pads"], to=TensorProto.INT64),
    ]


def relu6_shift(x, prefix):
    """Clip(Relu(x + 3), 0, 6) as torch exports relu6(x + 3) -> `prefix`/clip."""
    return [
        helper.make_node("Add", [x, "three"], [f"{prefix}/add"]),
        helper.make_node("Relu", [f"{prefix}/add"], [f"{prefix}/relu"]),
        helper.make_node("Clip", [f"{prefix}/relu", "zero", "six"], [f"{prefix}/clip"]),
    ]


def block_graph():
    """input -> Pad(0,1,0,1 via torch's chain) -> 3x3/2 conv -> hard-swish -> depthwise -> ReLU ->
    squeeze-excite -> project -> + hard-swish output -> 1x1 conv -> ReLU -> BN -> 1x1 conv."""
    rng = np.random.default_rng(0)
    consts = {
        "w_stem": rng.normal(0, 0.5, (8, 3, 3, 3)), "b_stem": rng.normal(0, 1, 8),
        "w_dw": rng.normal(0, 0.5, (8, 1, 3, 3)), "b_dw": rng.normal(0, 1, 8),
        "w_red": rng.normal(0, 0.5, (4, 8, 1, 1)), "b_red": rng.normal(0, 1, 4),
        "w_exp": rng.normal(0, 1.0, (8, 4, 1, 1)), "b_exp": rng.normal(0, 1, 8),
        "w_proj": rng.normal(0, 0.5, (8, 8, 1, 1)), "b_proj": rng.normal(0, 1, 8),
        "w_mix": rng.normal(0, 0.5, (8, 8, 1, 1)), "b_mix": rng.normal(0, 1, 8),
        "bn_scale": rng.uniform(0.5, 2, 8), "bn_bias": rng.normal(0, 1, 8),
        "bn_mean": rng.normal(0, 1, 8), "bn_var": rng.uniform(0.5, 2, 8),
        "w_out": rng.normal(0, 0.5, (4, 8, 1, 1)), "b_out": rng.normal(0, 1, 4),
        "three": np.array(3.0), "zero": np.array(0.0), "six": np.array(6.0), "s": np.array(S),
    }
    nodes = torch_pad_chain("pad", [0, 1, 0, 1]) + [
        helper.make_node("Pad", ["input", "pad/pads", ""], ["padded"], mode="constant"),
        helper.make_node("Conv", ["padded", "w_stem", "b_stem"], ["stem"], kernel_shape=[3, 3], strides=[2, 2],
                         pads=[0, 0, 0, 0]),
        *relu6_shift("stem", "hs"),
        helper.make_node("Mul", ["stem", "hs/clip"], ["hs/mul"]),
        helper.make_node("Mul", ["hs/mul", "s"], ["act"]),
        helper.make_node("Conv", ["act", "w_dw", "b_dw"], ["dw"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=8),
        helper.make_node("Relu", ["dw"], ["dw_act"]),
        helper.make_node("ReduceMean", ["dw_act"], ["pooled"], axes=[2, 3], keepdims=1),
        helper.make_node("Conv", ["pooled", "w_red", "b_red"], ["red"], kernel_shape=[1, 1]),
        helper.make_node("Relu", ["red"], ["red_act"]),
        helper.make_node("Conv", ["red_act", "w_exp", "b_exp"], ["exp"], kernel_shape=[1, 1]),
        *relu6_shift("exp", "se"),
        helper.make_node("Mul", ["se/clip", "s"], ["gate"]),
        helper.make_node("Mul", ["dw_act", "gate"], ["excited"]),
        helper.make_node("Conv", ["excited", "w_proj", "b_proj"], ["proj"], kernel_shape=[1, 1]),
        helper.make_node("Add", ["act", "proj"], ["res"]),
        helper.make_node("Conv", ["res", "w_mix", "b_mix"], ["mix"], kernel_shape=[1, 1]),
        helper.make_node("Relu", ["mix"], ["mix_act"]),
        helper.make_node("BatchNormalization", ["mix_act", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"]),
        helper.make_node("Conv", ["bn", "w_out", "b_out"], ["output"], kernel_shape=[1, 1]),
    ]
    graph = helper.make_graph(
        nodes, "block",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "height", "width"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4, "out_height", "out_width"])],
        [numpy_helper.from_array(np.asarray(v, np.float32), k) for k, v in consts.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def test_hand_built_block_is_rewritten_exactly():
    model = block_graph()
    onnx.checker.check_model(model)
    opt = optimize(model)
    assert ops(opt) == {"Conv": 7, "HardSwish": 1, "Relu": 3, "ReduceMean": 1, "HardSigmoid": 1, "Mul": 1, "Add": 1}
    stem = next(n for n in opt.graph.node if n.op_type == "Conv")
    assert stem.input[0] == "input" and attribute(stem, "pads") == [0, 0, 1, 1]
    x = np.random.default_rng(1).uniform(-8, 8, (1, 3, 12, 12)).astype(np.float32)
    before, after = onnx_numpy.run(model, {"input": x}), onnx_numpy.run(opt, {"input": x})
    assert_same(after["output"], before["output"], 1e-6)


def gate_graph(shift=3.0, top=6.0):
    consts = {"three": np.array(shift), "zero": np.array(0.0), "six": np.array(top), "s": np.array(S)}
    nodes = relu6_shift("input", "g") + [helper.make_node("Mul", ["g/clip", "s"], ["output"])]
    graph = helper.make_graph(nodes, "gate", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [6])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [6])],
                              [numpy_helper.from_array(np.asarray(v, np.float32), k) for k, v in consts.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def test_gate_keeps_the_source_saturation_six_s_not_one():
    opt = optimize(gate_graph())
    assert ops(opt) == {"HardSigmoid": 1, "Mul": 1}  # a graph output cannot take the factor
    x = np.array([-100, -3, 0, 2.9, 3.001, 100], np.float32)
    out = onnx_numpy.run(opt, {"input": x})["output"]
    np.testing.assert_allclose(out, np.clip(x.astype(np.float64) + 3, 0, 6) * S, rtol=1e-7, atol=1e-12)
    assert out[-1] == pytest.approx(6 * S, rel=1e-7) and out[-1] < 0.9998


@pytest.mark.parametrize("shift, top", [(2.0, 6.0), (3.0, 5.0)])
def test_other_constants_are_not_hard_sigmoid(shift, top):
    model = gate_graph(shift, top)
    assert ops(optimize(model)) == ops(model)


def pad_conv_graph(pads, value=0.0, mode="constant"):
    rng = np.random.default_rng(2)
    consts = {"pads": np.array(pads, np.int64), "value": np.array(value, np.float32),
              "w": rng.normal(0, 1, (2, 3, 3, 3)).astype(np.float32)}
    nodes = [helper.make_node("Pad", ["input", "pads", "value"], ["padded"], mode=mode),
             helper.make_node("Conv", ["padded", "w"], ["output"], kernel_shape=[3, 3], strides=[2, 2])]
    graph = helper.make_graph(nodes, "pad", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 9, 9])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2, "h", "w"])],
                              [numpy_helper.from_array(v, k) for k, v in consts.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def test_zero_spatial_pad_goes_into_the_conv():
    model = pad_conv_graph([0, 0, 1, 0, 0, 0, 2, 1])
    opt = optimize(model)
    assert ops(opt) == {"Conv": 1}
    assert attribute(opt.graph.node[0], "pads") == [1, 0, 2, 1]
    x = np.random.default_rng(3).normal(0, 1, (1, 3, 9, 9)).astype(np.float32)
    assert_same(onnx_numpy.run(opt, {"input": x})["output"], onnx_numpy.run(model, {"input": x})["output"], 1e-12)


@pytest.mark.parametrize("pads, value, mode", [
    ([0, 0, 1, 1, 0, 0, 1, 1], 1.0, "constant"),   # non-zero fill
    ([0, 1, 1, 1, 0, 0, 1, 1], 0.0, "constant"),   # pads a channel
    ([0, 0, 1, 1, 0, 0, 1, 1], 0.0, "reflect"),
])
def test_pads_a_conv_cannot_express_stay(pads, value, mode):
    model = pad_conv_graph(pads, value, mode)
    assert ops(optimize(model)) == {"Pad": 1, "Conv": 1}


def test_cli_rewrites_a_model_dir_in_place_once(tiny_raw, tmp_path):
    _, out = tiny_raw
    target = tmp_path / "model"
    shutil.copytree(out, target)
    res = subprocess.run([sys.executable, OPT, str(target)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "backbone.onnx" in res.stderr and "head.onnx" in res.stderr
    assert "Pad" not in ops(onnx.load(str(target / "backbone.onnx")))
    first = {n: (target / n).read_bytes() for n in ("backbone.onnx", "head.onnx")}
    subprocess.run([sys.executable, OPT, str(target)], check=True, capture_output=True, timeout=120)
    assert {n: (target / n).read_bytes() for n in first} == first
    res = subprocess.run([sys.executable, OPT, str(tmp_path / "none")], capture_output=True, text=True)
    assert res.returncode == 2 and "has no backbone.onnx" in res.stderr
