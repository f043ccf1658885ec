"""Command: cut NanoTrack v3's graphs for a smaller search crop (siamtrack_train/models/cut_v3.py)."""
import sys

from siamtrack_train.models.cut_v3 import main

if __name__ == "__main__":
    sys.exit(main())
