"""Losses and targets on hand-made inputs with hand-computed values."""
import math

import pytest

torch = pytest.importorskip("torch")

from siamtrack_train.losses import (batch_hard_triplet, box_loss, contrastive_loss, make_targets,  # noqa: E402
                                    score_loss, triplet_loss)


def logits_for_margins(margins):
    """[1,2,1,N] logits whose target margin (logit1 - logit0) is `margins`."""
    m = torch.tensor(margins, dtype=torch.float32)
    return torch.stack([torch.zeros_like(m), m])[None, :, None, :]


def test_bce_balances_positives_and_negatives():
    # positive p = 0.75, negative p = 0.25, ignored cell with a large margin
    logits = logits_for_margins([math.log(3), math.log(1 / 3), 10.0])
    labels = torch.tensor([[[1.0, 0.0, -1.0]]])
    expected = 0.5 * -math.log(0.75) + 0.5 * -math.log(0.75)
    assert score_loss(logits, labels, "bce").item() == pytest.approx(expected, rel=1e-5)


def test_focal_loss_value():
    logits = logits_for_margins([math.log(3), math.log(1 / 3), 10.0])
    labels = torch.tensor([[[1.0, 0.0, -1.0]]])
    ce = -math.log(0.75)
    expected = (0.25 * 0.25 ** 2 * ce + 0.75 * 0.25 ** 2 * ce) / 1  # one positive
    assert score_loss(logits, labels, "focal", alpha=0.25, gamma=2.0).item() == pytest.approx(expected, rel=1e-5)


def test_focal_without_positives_divides_by_one():
    logits = logits_for_margins([0.0])
    labels = torch.tensor([[[0.0]]])
    expected = 0.75 * 0.5 ** 2 * math.log(2)
    assert score_loss(logits, labels, "focal").item() == pytest.approx(expected, rel=1e-5)


def test_unknown_losses_are_rejected():
    with pytest.raises(ValueError):
        score_loss(logits_for_margins([0.0]), torch.tensor([[[1.0]]]), "hinge")
    with pytest.raises(ValueError):
        box_loss(torch.ones(1, 4), torch.ones(1, 4), "l1")


def test_iou_and_giou_losses():
    # nested: 2x2 box inside a 4x4 box around the same point -> IoU 1/4, enclosing box = union
    pred, target = torch.tensor([[1.0, 1, 1, 1]]), torch.tensor([[2.0, 2, 2, 2]])
    assert box_loss(pred, target, "iou").item() == pytest.approx(0.75)
    assert box_loss(pred, target, "giou").item() == pytest.approx(0.75)
    # boxes touching only at the point: IoU 0, union 8, enclosing 16 -> GIoU -0.5
    pred, target = torch.tensor([[2.0, 0, 0, 2]]), torch.tensor([[0.0, 2, 2, 0]])
    assert box_loss(pred, target, "iou").item() == pytest.approx(1.0)
    assert box_loss(pred, target, "giou").item() == pytest.approx(1.5)


def test_box_loss_of_nothing_is_zero():
    assert box_loss(torch.zeros(0, 4), torch.zeros(0, 4)).item() == 0.0


def test_contrastive_loss():
    a = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    b = torch.tensor([[3.0, 4.0], [0.0, 1.0]])
    same = torch.tensor([1, 0])
    # same pair: d^2 = 25; different pair: (2 - 1)^2 = 1; mean 13
    assert contrastive_loss(a, b, same, margin=2.0).item() == pytest.approx(13.0)


def test_triplet_loss():
    a = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    p = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    n = torch.tensor([[0.0, 2.0], [0.0, 1.2]])
    # relu(1 - 2 + 0.5) = 0 and relu(1 - 1.2 + 0.5) = 0.3
    assert triplet_loss(a, p, n, margin=0.5).item() == pytest.approx(0.15, rel=1e-5)


def test_batch_hard_triplet_picks_the_closest_negative_of_another_track():
    anchor = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 0.0]])
    positive = torch.tensor([[1.0, 0.0], [10.0, 1.0], [0.5, 0.0]])
    pos_valid = torch.tensor([True, True, True])
    track = torch.tensor([0, 1, 0])  # samples 0 and 2 share a track: never each other's negative
    negatives = torch.tensor([[0.0, 3.0]])
    neg_track = torch.tensor([-1])
    # anchor 0: candidates p1 (d=10.05), n (d=3) -> n
    # anchor 1: candidates p0 (d=9), p2 (d=9.5), n (d=10.44) -> p0
    # anchor 2: like anchor 0 with d(a,p) = 0.5; margin 3 makes every term count
    loss = batch_hard_triplet(anchor, positive, pos_valid, track, negatives, neg_track, margin=3.0)
    expected = (max(0, 1 - 3 + 3) + max(0, 1 - 9 + 3) + max(0, 0.5 - 3 + 3)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_batch_hard_triplet_skips_samples_without_visible_target():
    anchor = torch.tensor([[0.0, 0.0], [5.0, 0.0]])
    positive = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    loss = batch_hard_triplet(anchor, positive, torch.tensor([True, False]), torch.tensor([0, 1]),
                              torch.zeros(0, 2), torch.zeros(0, dtype=torch.long), margin=1.0)
    # anchor 0 only; sample 1 (invisible target) offers no negative either -> nothing to learn
    assert loss.item() == 0.0


def test_make_targets_labels_and_ltrb():
    points = torch.arange(-128, 129, 16, dtype=torch.float32)  # 17 cells, centre index 8
    labels, ltrb = make_targets([torch.tensor([-32.0, -32.0, 32.0, 32.0]), None], points, 16)
    centre = labels[0]
    assert int((centre == 1).sum()) == 5  # (0,0) and the 4 neighbours at 16 px
    assert int((centre == -1).sum()) == 8  # diagonal neighbours (22.6 px) and the cells at 32 px
    assert centre[8, 8] == 1 and centre[8, 10] == -1 and centre[8, 11] == 0
    assert ltrb[0, 8, 8].tolist() == [32.0, 32.0, 32.0, 32.0]
    assert ltrb[0, 8, 9].tolist() == [48.0, 32.0, 16.0, 32.0]
    assert labels[1].abs().sum() == 0  # absent target: all negative


def test_make_targets_small_target_gets_its_nearest_cell():
    points = torch.arange(-128, 129, 16, dtype=torch.float32)
    labels, _ = make_targets([torch.tensor([37.0, -3.0, 43.0, 3.0])], points, 16)
    assert labels[0, 8, 10] == 1  # centre (40, 0) is nearest to the cell at x = 32
    assert int((labels[0] == 1).sum()) == 1
