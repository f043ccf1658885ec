"""Command: average a fine-tuned model's weights with its starting model's (siamtrack_train/models/average.py)."""
import sys

from siamtrack_train.models.average import main

if __name__ == "__main__":
    sys.exit(main())
