"""Evaluation: the Python tracker on the validation split, state thresholds, post-processing tuning."""
