"""Command: the Python tracker on the validation split; state thresholds (siamtrack_train/evaluation/evaluate.py)."""
import sys

from siamtrack_train.evaluation.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
