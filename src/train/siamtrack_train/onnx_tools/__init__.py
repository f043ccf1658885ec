"""ONNX graphs: a numpy interpreter, exact rewrites for ONNX Runtime, export of a model directory, int8 variant."""
