"""Command: cache frozen-trunk features of training pairs (siamtrack_train/data/cache.py)."""
import sys

from siamtrack_train.data.cache import main

if __name__ == "__main__":
    sys.exit(main())
