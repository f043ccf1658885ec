"""Command: train the network (resumable) (siamtrack_train/training/train.py)."""
import sys

from siamtrack_train.training.train import main

if __name__ == "__main__":
    sys.exit(main())
