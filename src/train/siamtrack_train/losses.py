"""Training targets and losses.

Score map: labels 1 (positive), 0 (negative), -1 (ignored) per cell; focal or balanced BCE on the
target logit margin (logit1 - logit0, i.e. the softmax2 positive probability). Boxes: IoU / GIoU
on ltrb distances of positive cells. Embeddings: contrastive (pairs, margin) and triplet
(anchor/positive/negative, margin) losses, with batch-hard negative mining.
"""
import torch
import torch.nn.functional as F


def make_targets(boxes, points, stride):
    """Labels [B,S,S] and ltrb targets [B,S,S,4] for boxes (x1,y1,x2,y2 relative to the crop
    centre; None = target absent) on a grid with cell offsets `points` [S].

    A cell is positive inside the ellipse with half-axes (w/4, h/4) around the box centre (at least
    the nearest cell when the centre is on the map), negative outside the ellipse (w/2, h/2),
    ignored between.
    """
    s = points.numel()
    ys, xs = torch.meshgrid(points, points, indexing="ij")
    labels = torch.zeros(len(boxes), s, s)
    ltrb = torch.zeros(len(boxes), s, s, 4)
    for n, box in enumerate(boxes):
        if box is None:
            continue
        x1, y1, x2, y2 = [float(v) for v in box]
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, max(x2 - x1, 1e-3), max(y2 - y1, 1e-3)
        r = ((xs - cx) / (w / 2)) ** 2 + ((ys - cy) / (h / 2)) ** 2
        lab = torch.zeros(s, s)
        lab[r <= 1.0] = -1
        lab[r <= 0.25] = 1
        lim = float(points[-1]) + stride / 2
        if abs(cx) <= lim and abs(cy) <= lim:
            i = int(torch.argmin((points - cy).abs()))
            j = int(torch.argmin((points - cx).abs()))
            lab[i, j] = 1
        labels[n] = lab
        ltrb[n] = torch.stack([xs - x1, ys - y1, x2 - xs, y2 - ys], dim=-1)
    return labels, ltrb


def score_loss(logits, labels, kind="focal", alpha=0.25, gamma=2.0):
    """logits [B,2,S,S], labels [B,S,S] in {1,0,-1}.

    focal: sum of alpha-balanced focal terms over labelled cells / max(#positives, 1).
    bce: 0.5 * mean over positives + 0.5 * mean over negatives of binary cross-entropy.
    """
    margin = logits[:, 1] - logits[:, 0]
    pos, neg = labels == 1, labels == 0
    target = pos.float()
    ce = F.binary_cross_entropy_with_logits(margin, target, reduction="none")
    if kind == "focal":
        p = torch.sigmoid(margin)
        pt = torch.where(pos, p, 1 - p)
        at = torch.where(pos, torch.full_like(p, alpha), torch.full_like(p, 1 - alpha))
        terms = at * (1 - pt) ** gamma * ce
        return terms[pos | neg].sum() / pos.sum().clamp(min=1)
    if kind == "bce":
        loss_pos = ce[pos].mean() if pos.any() else margin.sum() * 0
        loss_neg = ce[neg].mean() if neg.any() else margin.sum() * 0
        return 0.5 * loss_pos + 0.5 * loss_neg
    raise ValueError(f"unknown score loss {kind!r}")


def box_loss(pred, target, kind="giou"):
    """Mean (1 - IoU) or (1 - GIoU) of ltrb boxes [N,4] that share their reference point."""
    if pred.numel() == 0:
        return pred.sum() * 0
    pl, pt, pr, pb = pred.unbind(-1)
    tl, tt, tr, tb = target.unbind(-1)
    inter = (torch.min(pl, tl) + torch.min(pr, tr)).clamp(min=0) * (torch.min(pt, tt) + torch.min(pb, tb)).clamp(min=0)
    union = (pl + pr) * (pt + pb) + (tl + tr) * (tt + tb) - inter
    iou = inter / union.clamp(min=1e-6)
    if kind == "iou":
        return (1 - iou).mean()
    if kind == "giou":
        enclose = (torch.max(pl, tl) + torch.max(pr, tr)) * (torch.max(pt, tt) + torch.max(pb, tb))
        giou = iou - (enclose - union) / enclose.clamp(min=1e-6)
        return (1 - giou).mean()
    raise ValueError(f"unknown box loss {kind!r}")


def contrastive_loss(a, b, same, margin):
    """Pairs (a[i], b[i]) with same[i] in {1,0}: same -> d^2, different -> max(0, margin - d)^2;
    mean over pairs. d is the Euclidean distance."""
    d = (a - b).norm(dim=-1)
    same = same.float()
    return (same * d ** 2 + (1 - same) * F.relu(margin - d) ** 2).mean()


def triplet_loss(anchor, positive, negative, margin):
    """mean(max(0, d(a,p) - d(a,n) + margin))."""
    return F.relu((anchor - positive).norm(dim=-1) - (anchor - negative).norm(dim=-1) + margin).mean()


def hardest_negatives(anchor, candidates, allowed):
    """For each anchor [B,D] the closest candidate [M,D] among allowed[B,M]; returns ([B,D], has[B])."""
    d = torch.cdist(anchor, candidates)
    d = d.masked_fill(~allowed, float("inf"))
    idx = d.argmin(dim=1)
    return candidates[idx], allowed.any(dim=1)


def batch_hard_triplet(anchor, positive, pos_valid, track, negatives, neg_track, margin):
    """Batch-hard triplet loss.

    anchor/positive [B,D]: template and search-target embeddings; pos_valid [B] marks samples
    whose target is visible; track [B] ids. Candidate negatives: the other samples' positives of a
    different track, plus `negatives` [M,D] (distractor objects and crops of other sequences)
    with owner track ids `neg_track` [M]. Each anchor uses its hardest (closest) negative.
    """
    cands = torch.cat([positive, negatives], dim=0)
    cand_track = torch.cat([track, neg_track])
    cand_ok = torch.cat([pos_valid, torch.ones(len(negatives), dtype=torch.bool)])
    allowed = (track[:, None] != cand_track[None, :]) & cand_ok[None, :]
    neg, has_neg = hardest_negatives(anchor, cands, allowed)
    keep = pos_valid & has_neg
    if not keep.any():
        return anchor.sum() * 0
    return triplet_loss(anchor[keep], positive[keep], neg[keep], margin)
