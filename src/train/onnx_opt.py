"""Command: rewrite a model directory's graphs in place (siamtrack_train/onnx_tools/onnx_opt.py)."""
import sys

from siamtrack_train.onnx_tools.onnx_opt import main

if __name__ == "__main__":
    sys.exit(main())
