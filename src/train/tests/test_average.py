"""average.py mixes a fine-tuned model's weights with its starting model's, keeps integer tensors and the graph,
records the mix in the card, and refuses a pair of models whose weights do not match."""
import json

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import helper, numpy_helper, TensorProto  # noqa: E402

from siamtrack_train.models.average import average  # noqa: E402


def write_model(folder, weight, shape_value=4):
    folder.mkdir()
    for graph in ("backbone.onnx", "head.onnx"):
        inits = [numpy_helper.from_array(np.full((2, 1, 1, 1), weight, np.float32), "w"),
                 numpy_helper.from_array(np.array([1, shape_value], np.int64), "shape")]
        node = helper.make_node("Conv", ["x", "w"], ["y"])
        g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 2, 2])], inits)
        onnx.save(helper.make_model(g), str(folder / graph))
    (folder / "model.json").write_text(json.dumps({"name": folder.name, "provenance": {"surgery": {"search": 191}}}))


def test_weights_are_mixed_by_the_tuned_share_and_the_mix_is_recorded(tmp_path):
    write_model(tmp_path / "start", 1.0)
    write_model(tmp_path / "tuned", 3.0, shape_value=4)
    average(str(tmp_path / "start"), str(tmp_path / "tuned"), str(tmp_path / "out"), share=0.25)
    for graph in ("backbone.onnx", "head.onnx"):
        weights = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(tmp_path / "out" / graph)).graph.initializer}
        np.testing.assert_allclose(weights["w"], 1.5)  # 0.75 * 1 + 0.25 * 3
        assert weights["shape"].tolist() == [1, 4]
    card = json.loads((tmp_path / "out" / "model.json").read_text())
    assert card["name"] == "out"
    assert card["provenance"]["weight_average"]["tuned_share"] == 0.25
    assert card["provenance"]["weight_average"]["start"] == {"search": 191}


def test_models_whose_weights_differ_in_shape_are_refused(tmp_path):
    write_model(tmp_path / "start", 1.0)
    (tmp_path / "other").mkdir()
    node = helper.make_node("Conv", ["x", "w"], ["y"])
    g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2, 2])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 2, 2])],
                          [numpy_helper.from_array(np.ones((3, 1, 1, 1), np.float32), "w")])
    for graph in ("backbone.onnx", "head.onnx"):
        onnx.save(helper.make_model(g), str(tmp_path / "other" / graph))
    (tmp_path / "other" / "model.json").write_text("{}")
    with pytest.raises(ValueError, match="fine-tuning of --start"):
        average(str(tmp_path / "start"), str(tmp_path / "other"), str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
