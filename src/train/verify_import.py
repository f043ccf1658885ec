"""Command: check the imported trunk against the TF.js graph (siamtrack_train/models/verify_import.py)."""
import sys

from siamtrack_train.models.verify_import import main

if __name__ == "__main__":
    sys.exit(main())
