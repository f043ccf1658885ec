"""Training runs: the SiamTracker training loop and distillation of a lighter student."""
