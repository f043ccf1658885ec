"""Training data: sequences on disk, engine-identical crops, augmented pairs, the frozen-trunk feature cache."""
