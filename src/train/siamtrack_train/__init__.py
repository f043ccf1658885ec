"""SiamTrack's training code: PyTorch network, training data, losses, ONNX export and graph tools, evaluation.

Imports point one way (tests/test_package.py checks it), from the bottom:
  settings     locations, crop geometry, tracker defaults, run defaults
  losses       training losses
  models       the network (trunk, SiamTracker), its TF.js import, checkpoints, NanoTrack v3's graphs
  data         sequences, crops, pairs, the PyTorch pair stream, the frozen-trunk feature cache
  onnx_tools   numpy ONNX interpreter, graph rewrites, export, int8 quantization
  evaluation   the Python tracker and state calibration; post-processing tuning with the engine
  training     the training loop and distillation
The commands (src/train/*.py) are thin entry points into these modules' main().
"""
