"""Command: static int8 variant of a model directory (siamtrack_train/onnx_tools/quantize.py)."""
import sys

from siamtrack_train.onnx_tools.quantize import main

if __name__ == "__main__":
    sys.exit(main())
