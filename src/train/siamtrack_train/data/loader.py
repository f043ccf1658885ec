"""PairSampler as a PyTorch data set: an endless stream of pairs per worker, and the batch layout the
training loops read (the same as data.cache.FeatureBank.batch)."""
import signal

import numpy as np
import torch

from siamtrack_train.data.pairs import PairSampler


class PairStream(torch.utils.data.IterableDataset):
    def __init__(self, sequences, static, cfg, seed):
        self.sequences, self.static, self.cfg, self.seed = sequences, static, cfg, seed

    def __iter__(self):
        torch.set_num_threads(1)
        info = torch.utils.data.get_worker_info()
        if info is not None:  # Ctrl-C / SIGTERM reach the whole process group: the main process saves and stops us
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        seed = self.seed * 1000 + (info.id if info else 0)
        sampler = PairSampler(self.sequences, self.static, seed=seed, max_gap=self.cfg["max_gap"],
                              static_share=self.cfg["static_share"], negative_share=self.cfg["negative_share"],
                              cutout_share=self.cfg.get("cutout_share", 0.0),
                              unlabelled_share=self.cfg.get("unlabelled_share", 0.0))
        sampler.aug.motion = self.cfg.get("motion_blur", 0.0)
        while True:
            yield sampler.sample()


def collate(samples):
    return {
        "exemplar": torch.from_numpy(np.stack([s["exemplar"] for s in samples])).permute(0, 3, 1, 2).float(),
        "instance": torch.from_numpy(np.stack([s["instance"] for s in samples])).permute(0, 3, 1, 2).float(),
        "target": [s["target"] for s in samples],
        "distractors": [s["distractors"] for s in samples],
        "track": torch.tensor([s["track"] for s in samples]),
        "labelled": torch.tensor([s["labelled"] for s in samples]),
    }
