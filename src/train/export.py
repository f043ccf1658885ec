"""Command: export a model directory (siamtrack_train/onnx_tools/export.py)."""
import sys

from siamtrack_train.onnx_tools.export import main

if __name__ == "__main__":
    sys.exit(main())
