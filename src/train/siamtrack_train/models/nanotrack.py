"""NanoTrack v3's exported graphs (Apache-2.0, HonglinChu/SiamTrackers) as teacher and starting point.

v3 has our structure (one backbone for template and search, a head that correlates them and scores
every cell) but its own layout: 96-channel features, a head that mixes a pixel-wise correlation of
the whole 8x8 template (MatMul) with a depth-wise one of its central 4x4, then two towers of six
separable layers (3x3 depth-wise, ReLU6, 1x1) for scores and boxes; 255 -> 16x16 features -> 15x15
map, cell (i, j) at (-112 + 16j, -112 + 16i) from the crop centre, ltrb in instance pixels.

This module reads those graphs, writes the card the engine needs, re-sizes the head for another
search size (its Reshape targets spell out 16x16 and 15x15), and cuts a cheaper student out of them:
residual backbone blocks dropped (their output becomes their input) and tower layers dropped (all
96 channels wide, so the next layer reads the dropped one's input).
"""
import os

import numpy as np
import onnx
from onnx import numpy_helper

EXEMPLAR = 127
STRIDE = 16
V3_ORIGIN = ("NanoTrack v3 (HonglinChu/SiamTrackers, folder NanoTrack, commit 248663fde6bf, Apache-2.0): "
             "its exported backbone and head graphs")
# NanoTrack v3's published post-processing (window influence, penalty k, lr) and the engine's NanoTrack
# state thresholds (ModelCard.nanoTrack)
V3_HYPER = {"window_influence": 0.455, "penalty_k": 0.138, "lr": 0.348,
            "lost_threshold": 0.9, "uncertain_threshold": 0.97, "verify_threshold": 0.78}


def is_v3(directory):
    """True for a directory whose head has v3's layout (96-channel inputs, 15x15 outputs at 255)."""
    path = os.path.join(directory, "head.onnx")
    if not os.path.isfile(path):
        return False
    graph = onnx.load(path).graph
    dims = [[d.dim_value for d in v.type.tensor_type.shape.dim] for v in graph.input]
    return len(dims) == 2 and dims[0][1] == 96 and any(n.op_type == "MatMul" for n in graph.node)


def feature_size(instance):
    return (instance + 1) // STRIDE


def score_geometry(instance):
    """(score size, grid origin) of v3's map for a search crop of `instance` pixels."""
    size = feature_size(instance) - 1
    return size, -(size // 2) * STRIDE


def card(name, instance, provenance):
    """The card of v3's graphs (or a student's) cut for a search crop of `instance` pixels: the cosine window
    keeps the 15 cells of v3's own map, so a motion costs what it costs v3."""
    size, origin = score_geometry(instance)
    return {"name": name, "family": "siamtrack", "format_version": 1, "exemplar_size": EXEMPLAR,
            "instance_size": instance, "stride": STRIDE, "score_size": size,
            "window_size": score_geometry(255)[0], "grid_origin": origin,
            "channel_order": "BGR", "normalize": {"scale": 1.0, "mean": [0, 0, 0], "std": [1, 1, 1]},
            "score_activation": "softmax2", "hyper": dict(V3_HYPER), "provenance": provenance}


def make_dynamic(model):
    """Height and width of the graph's 4-D inputs and outputs symbolic (v3's backbone declares 255)."""
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if len(dims) == 4:
            for k, label in ((2, "height"), (3, "width")):
                dims[k].Clear()
                dims[k].dim_param = f"{value.name}_{label}"
    del model.graph.value_info[:]
    return model


def set_search_size(head, instance):
    """Rewrites the head's Reshape targets that spell out the search feature size (16 at 255) and the map
    size (15) for another search crop size, and its declared input/output sizes."""
    features, size = feature_size(instance), score_geometry(instance)[0]
    shapes = {n.input[1] for n in head.graph.node if n.op_type == "Reshape"}
    for init in head.graph.initializer:
        if init.name not in shapes:
            continue
        shape = numpy_helper.to_array(init).copy()
        if shape.size == 4 and shape[0] == 1 and shape[2] == shape[3]:
            if shape[2] in (16, features):
                shape[2:] = features
            elif shape[2] in (15, size):
                shape[2:] = size
            init.CopyFrom(numpy_helper.from_array(shape.astype(np.int64), init.name))
    for value in head.graph.input[1:]:
        for k in (2, 3):
            value.type.tensor_type.shape.dim[k].dim_value = features
    for value in head.graph.output:
        for k in (2, 3):
            value.type.tensor_type.shape.dim[k].dim_value = size
    del head.graph.value_info[:]
    return head


# ---------------------------------------------------------------- surgery

def prune_initializers(graph):
    """Drops the initializers no node reads any more (after surgery)."""
    used = {name for n in graph.node for name in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def _producers(graph):
    return {o: n for n in graph.node for o in n.output}


def residual_adds(backbone):
    """The backbone's residual Add nodes in graph order (v3 has four)."""
    produced = _producers(backbone.graph)
    return [n for n in backbone.graph.node
            if n.op_type == "Add" and all(i in produced for i in n.input)]


def _branch_nodes(graph, start, stop):
    """Nodes computing tensor `start` from tensor `stop` (walking producers back to `stop`)."""
    produced = _producers(graph)
    found, todo = {}, [start]
    while todo:
        name = todo.pop()
        node = produced.get(name)
        if name == stop or node is None or node.name in found:
            continue
        found[node.name] = node
        todo.extend(node.input)
    return found


def bypass(graph, removed, old, new):
    """Removes the nodes named in `removed`; their consumers read tensor `new` where they read `old`."""
    kept = [n for n in graph.node if n.name not in removed]
    for n in kept:
        for k, name in enumerate(n.input):
            if name == old:
                n.input[k] = new
    del graph.node[:]
    graph.node.extend(kept)


def drop_residual_blocks(backbone, indices):
    """Removes the residual blocks number `indices` (0-based, graph order) of the backbone."""
    adds = residual_adds(backbone)
    for index in indices:
        if not 0 <= index < len(adds):
            raise ValueError(f"residual block {index}: the backbone has {len(adds)} (0 to {len(adds) - 1})")
    graph = backbone.graph
    for index in sorted(indices, reverse=True):
        add = adds[index]
        # the skip input is the one the other input's branch starts from
        skip, branch = add.input
        if skip not in _all_inputs(_branch_nodes(graph, branch, skip).values()):
            skip, branch = branch, skip
        removed = set(_branch_nodes(graph, branch, skip)) | {add.name}
        bypass(graph, removed, add.output[0], skip)
    prune_initializers(graph)
    return backbone


def _all_inputs(nodes):
    return {i for n in nodes for i in n.input}


def tower_layers(head):
    """The head's separable tower layers, per tower in graph order: (depth-wise Conv, Clip, 1x1 Conv) triples
    whose 1x1 conv keeps the width, so a layer can be removed without changing any shape."""
    graph = head.graph
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    inits = {i.name: i.dims for i in graph.initializer}
    layers = []
    for n in graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type != "Conv" or attrs.get("kernel_shape") != [3, 3] or attrs.get("group", 1) <= 1:
            continue
        clip = consumers.get(n.output[0], [])
        if len(clip) != 1 or clip[0].op_type != "Clip":
            continue
        pointwise = consumers.get(clip[0].output[0], [])
        if len(pointwise) != 1 or pointwise[0].op_type != "Conv":
            continue
        w = inits.get(pointwise[0].input[1])
        if w is None or w[0] != w[1] or list(w[2:]) != [1, 1]:
            continue
        layers.append((n, clip[0], pointwise[0]))
    towers = []
    for layer in layers:
        for tower in towers:
            if tower[-1][2].output[0] == layer[0].input[0]:
                tower.append(layer)
                break
        else:
            towers.append([layer])
    return towers


def drop_tower_layers(head, indices):
    """Removes layers number `indices` (0-based) from every tower of the head."""
    towers = tower_layers(head)
    depth = min(len(t) for t in towers)
    for index in indices:
        if not 0 <= index < depth:
            raise ValueError(f"tower layer {index}: the towers have {depth} layers (0 to {depth - 1})")
    graph = head.graph
    for tower in towers:
        for index in sorted(indices, reverse=True):
            dw, clip, pw = tower[index]
            bypass(graph, {dw.name, clip.name, pw.name}, pw.output[0], dw.input[0])
    prune_initializers(graph)
    return head


def load_pair(directory):
    backbone = make_dynamic(onnx.load(os.path.join(directory, "backbone.onnx")))
    head = onnx.load(os.path.join(directory, "head.onnx"))
    return backbone, head
