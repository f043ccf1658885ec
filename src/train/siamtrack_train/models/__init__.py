"""The network: MobileNetV3 trunk, SiamTracker, the TF.js trunk import, checkpoints, NanoTrack v3 graphs."""
