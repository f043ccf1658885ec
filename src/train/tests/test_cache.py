"""The feature bank: shards on disk -> random training batches, new shards picked up on refresh."""
import pytest

torch = pytest.importorskip("torch")

from siamtrack_train.data.cache import FeatureBank  # noqa: E402
from siamtrack_train.models.siamtracker import TINY_SPECS  # noqa: E402
from siamtrack_train.models.trunk import Trunk  # noqa: E402


def write_shard(folder, index, n, track_base):
    visible = torch.tensor([i % 2 == 0 for i in range(n)])
    torch.save({"zf": torch.full((n, 8, 4, 4), float(index)).half(), "xf": torch.full((n, 8, 8, 8), float(index)).half(),
                "target": torch.tensor([[-10.0, -20.0, 10.0, 20.0]] * n), "visible": visible,
                "distractors": torch.zeros(n, 2, 4), "distractor_mask": torch.tensor([[True, False]] * n),
                "track": torch.arange(track_base, track_base + n), "frozen_blocks": 1},
               folder / f"shard_{index:04d}.pt")


def test_bank_serves_batches_from_every_shard_and_picks_up_new_ones(tmp_path):
    write_shard(tmp_path, 1, 5, 0)
    write_shard(tmp_path, 2, 3, 100)
    bank = FeatureBank(str(tmp_path), 1, Trunk(TINY_SPECS), seed=0)
    assert len(bank) == 8
    batch = bank.batch(64)
    assert batch["exemplar"].shape == (64, 8, 4, 4) and batch["exemplar"].dtype == torch.float32
    assert set(batch["instance"][:, 0, 0, 0].tolist()) == {1.0, 2.0}
    for i in range(64):
        track = int(batch["track"][i])
        even = (track % 100) % 2 == 0
        assert (batch["target"][i] is not None) == even
        assert len(batch["distractors"][i]) == 1
    write_shard(tmp_path, 3, 4, 200)
    assert bank.refresh() == 12
    assert sum(len(p) for p in bank.parts["xf"]) == 12 and len(bank.parts["xf"]) == 1  # one copy kept
    assert 3.0 in set(bank.batch(256)["instance"][:, 0, 0, 0].tolist())
