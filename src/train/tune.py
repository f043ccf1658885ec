"""Command: tune a model's post-processing with the engine (siamtrack_train/evaluation/tune.py)."""
import sys

from siamtrack_train.evaluation.tune import main

if __name__ == "__main__":
    sys.exit(main())
