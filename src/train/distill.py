"""Command: distil a lighter student from a model directory (siamtrack_train/training/distill.py)."""
import sys

from siamtrack_train.training.distill import main

if __name__ == "__main__":
    sys.exit(main())
