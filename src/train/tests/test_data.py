"""Readers, crops and pair sampling on small fixtures written by the tests."""
import math
import os

import pytest

np = pytest.importorskip("numpy")
Image = pytest.importorskip("PIL.Image")

from siamtrack_train.data.crops import context_side, crop, mean_colour, to_crop_coords
from siamtrack_train.data.pairs import PairSampler, cutout, motion_blur, paste, usable_box
from siamtrack_train.data.sequences import (check_not_dev, discover_sequences, parse_box_lines, read_got10k, read_otb,
                                            read_static)


def write_image(path, size=(160, 120), colour=(40, 80, 120), box=None, box_colour=(250, 250, 250)):
    img = Image.new("RGB", size, colour)
    if box is not None:
        x, y, w, h = box
        img.paste(box_colour, (x, y, x + w, y + h))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path, quality=95)


@pytest.fixture
def otb_seq(tmp_path):
    seq = tmp_path / "train" / "walker"
    boxes = [(40, 30, 30, 40), (44, 32, 30, 40), None, (52, 36, 30, 40)]
    for i, b in enumerate(boxes):
        write_image(str(seq / "img" / f"{i + 1:04d}.jpg"), box=b)
    lines = ["40,30,30,40", "44\t32\t30\t40", "NaN,NaN,NaN,NaN", "52 36 30 40"]
    (seq / "groundtruth_rect.txt").write_text("\n".join(lines) + "\n")
    return seq


@pytest.fixture
def got_seq(tmp_path):
    seq = tmp_path / "train" / "GOT-10k_Train_000001"
    for i in range(3):
        write_image(str(seq / f"{i + 1:08d}.jpg"), box=(20 + 5 * i, 20, 24, 24))
    (seq / "groundtruth.txt").write_text("20,20,24,24\n25,20,24,24\n30,20,24,24\n")
    (seq / "absence.label").write_text("0\n1\n0\n")
    return seq


@pytest.fixture
def static_dir(tmp_path):
    root = tmp_path / "train" / "static"
    write_image(str(root / "images" / "a.jpg"), size=(200, 150), box=(20, 20, 40, 40))
    write_image(str(root / "images" / "b.jpg"), size=(200, 150), box=(100, 60, 50, 30))
    (root / "boxes.csv").write_text("image,x,y,w,h,label\na.jpg,20,20,40,40,cat\na.jpg,120,80,30,30,dog\n"
                                    "b.jpg,100,60,50,30,car\n")
    return root


def test_parse_box_lines_accepts_commas_tabs_spaces_and_nan():
    boxes = parse_box_lines("1,2,3,4\n5\t6\t7\t8\n\n9 10 11 12\nNaN,NaN,NaN,NaN\n")
    assert boxes.shape == (4, 4)
    assert boxes[1].tolist() == [5, 6, 7, 8] and boxes[2].tolist() == [9, 10, 11, 12]
    assert np.isnan(boxes[3]).all()


def test_read_otb(otb_seq):
    seq = read_otb(str(otb_seq))
    assert seq.name == "walker" and len(seq) == 4
    assert seq.frames[0].endswith("img/0001.jpg")
    assert seq.boxes[1].tolist() == [44, 32, 30, 40]
    assert np.isnan(seq.boxes[2]).all()


def test_read_got10k_marks_absent_frames(got_seq):
    seq = read_got10k(str(got_seq))
    assert len(seq) == 3
    assert seq.boxes[0].tolist() == [20, 20, 24, 24]
    assert np.isnan(seq.boxes[1]).all()
    assert seq.boxes[2].tolist() == [30, 20, 24, 24]


def test_discover_finds_both_layouts_and_skips_static(otb_seq, got_seq, static_dir):
    names = [s.name for s in discover_sequences(str(otb_seq.parent))]
    assert names == ["GOT-10k_Train_000001", "walker"]


def test_read_static_groups_boxes_by_image(static_dir):
    images = read_static(str(static_dir))
    a = images[str(static_dir / "images" / "a.jpg")]
    assert [b[4] for b in a] == ["cat", "dog"]
    assert a[1][:4] == (120.0, 80.0, 30.0, 30.0)
    assert len(images) == 2


def test_dev_set_is_refused(tmp_path):
    with pytest.raises(ValueError):
        check_not_dev(str(tmp_path / "datasets" / "dev"))
    check_not_dev(str(tmp_path / "datasets" / "train"))


def test_usable_box_filters_tiny_sliver_absent_and_outside_boxes():
    assert usable_box((10, 10, 30, 40), 200, 100)
    assert not usable_box((10, 10, 5, 40), 200, 100)          # tiny
    assert not usable_box((10, 10, 12, 80), 200, 100)         # sliver (aspect > 5)
    assert not usable_box((math.nan,) * 4, 200, 100)          # absent
    assert not usable_box((190, 10, 40, 40), 200, 100)        # mostly outside the image
    assert not usable_box((0, 0, 195, 95), 200, 100)          # covers nearly the whole image


def test_context_side():
    # w=30, h=40: p = 35, s = sqrt(65 * 75)
    assert context_side(30, 40) == pytest.approx(math.sqrt(65 * 75))


def test_crop_is_centred_scaled_and_padded_with_the_mean():
    img = Image.new("RGB", (100, 100), (10, 20, 30))
    img.paste((200, 200, 200), (40, 40, 60, 60))  # white 20x20 square centred at (50, 50)
    fill = mean_colour(img)
    assert fill == (round(10 + 0.04 * 190), round(20 + 0.04 * 180), round(30 + 0.04 * 170))
    # 80 px around (50, 50) onto 160 px: scale 2, square -> pixels 60..99 of the crop
    out = np.asarray(crop(img, 50, 50, 80, 160, fill))
    assert out[80, 80].tolist() == [200, 200, 200]
    assert out[65, 65].tolist() == [200, 200, 200] and out[50, 50].tolist() == [10, 20, 30]
    # centred on the image corner: the top-left quarter lies outside the image -> mean colour
    out = np.asarray(crop(img, 0, 0, 40, 40, fill))
    assert out[5, 5].tolist() == list(fill)
    assert out[30, 30].tolist() == [10, 20, 30]


def test_to_crop_coords_relative_to_the_centre():
    x1, y1, x2, y2 = to_crop_coords((40, 40, 20, 20), 50, 50, 80, 160)
    assert [x1, y1, x2, y2] == [-20, -20, 20, 20]


def test_pair_sampler_makes_engine_sized_bgr_crops(otb_seq, static_dir):
    sampler = PairSampler([read_otb(str(otb_seq))], read_static(str(static_dir)), seed=3, negative_share=0.3)
    visible = 0
    for _ in range(30):
        s = sampler.sample()
        assert s["exemplar"].shape == (127, 127, 3) and s["exemplar"].dtype == np.uint8
        assert s["instance"].shape == (255, 255, 3)
        if s["target"] is not None:
            visible += 1
            x1, y1, x2, y2 = s["target"]
            assert x2 > x1 and y2 > y1
        for d in s["distractors"]:
            assert abs((d[0] + d[2]) / 2) < 127.5 and abs((d[1] + d[3]) / 2) < 127.5
    assert visible > 10


def test_positive_pair_target_sits_where_the_jitter_put_it(otb_seq):
    sampler = PairSampler([read_otb(str(otb_seq))], {}, seed=1, negative_share=0.0)
    sampler.aug.colour = sampler.aug.grey = sampler.aug.blur = sampler.aug.flip = 0.0
    s = sampler.sample()
    x1, y1, x2, y2 = s["target"]
    cx, cy = int(round(127.5 + (x1 + x2) / 2)), int(round(127.5 + (y1 + y2) / 2))
    # the white target square is at the labelled position of the instance crop (BGR white)
    assert s["instance"][cy, cx].min() > 200
    assert s["exemplar"][63, 63].min() > 200  # and in the middle of the exemplar


def test_crop_and_coords_with_a_different_vertical_side():
    img = Image.new("RGB", (100, 100), (10, 20, 30))
    img.paste((200, 200, 200), (40, 40, 60, 60))  # 20x20 square centred at (50, 50)
    # 40 px wide, 80 px tall onto 80x80: x scale 2, y scale 1 -> the square is 40 wide, 20 tall
    out = np.asarray(crop(img, 50, 50, 40, 80, (0, 0, 0), side_y=80))
    row, col = out[40, :, 0] > 100, out[:, 40, 0] > 100
    assert row.sum() == pytest.approx(40, abs=2) and col.sum() == pytest.approx(20, abs=2)
    assert to_crop_coords((40, 40, 20, 20), 50, 50, 40, 80, side_y=80).tolist() == [-20, -10, 20, 10]


def test_anisotropic_jitter_changes_the_aspect_and_the_label_follows_the_pixels(otb_seq):
    def aspects(anisotropic):
        sampler = PairSampler([read_otb(str(otb_seq))], {}, seed=2, negative_share=0.0)
        sampler.aug.colour = sampler.aug.grey = sampler.aug.blur = sampler.aug.flip = 0.0
        sampler.aug.anisotropic = anisotropic
        found = []
        for _ in range(12):
            s = sampler.sample()
            x1, y1, x2, y2 = s["target"] + 127.5
            white = s["instance"].min(axis=2) > 200
            cy, cx = int((y1 + y2) / 2), int((x1 + x2) / 2)
            # the labelled edges are the white square's edges in the crop (bilinear: +-2 px)
            assert white[cy, int(x1) + 2] and white[cy, int(x2) - 2] and not white[cy, int(x1) - 2]
            assert white[int(y1) + 2, cx] and white[int(y2) - 2, cx] and not white[int(y2) + 2, cx]
            found.append((x2 - x1) / (y2 - y1))
        return np.array(found)

    # the fixture's target is 30 x 40 in every frame
    assert np.allclose(aspects(False), 0.75, atol=1e-4)
    stretched = aspects(True)
    assert stretched.max() / stretched.min() > 1.1
    assert np.all(np.abs(np.log(stretched / 0.75)) <= 2 * 0.18 + 1e-6)


def test_cutout_fades_the_corners_and_keeps_the_middle():
    img = Image.new("RGB", (100, 80), (0, 0, 0))
    img.paste((250, 10, 10), (20, 20, 60, 60))
    piece = cutout(img, (20, 20, 40, 40))
    alpha = np.asarray(piece)[:, :, 3]
    assert piece.size == (40, 40)
    assert alpha[20, 20] == 255 and alpha[0, 0] == 0
    assert np.asarray(piece)[20, 20, :3].tolist() == [250, 10, 10]


def test_paste_puts_the_piece_where_the_box_says():
    background = Image.new("RGB", (200, 100), (0, 0, 0))
    piece = Image.new("RGBA", (10, 10), (0, 200, 0, 255))
    x, y, w, h = paste(background, piece, 150, 40, 20, 30)
    assert (x, y, w, h) == (140.0, 25.0, 20.0, 30.0)
    a = np.asarray(background)
    assert a[40, 150].tolist() == [0, 200, 0] and a[40, 130].tolist() == [0, 0, 0]
    assert a[25, 140].tolist() == [0, 200, 0] and a[55, 140].tolist() == [0, 0, 0]


def test_motion_blur_smears_along_its_direction_only():
    img = Image.new("RGB", (41, 41), (0, 0, 0))
    img.putpixel((20, 20), (255, 255, 255))
    a = np.asarray(motion_blur(img, 5, 0.0))[:, :, 0]
    assert a[20, 18] > 0 and a[20, 22] > 0 and a[20, 20] < 255
    assert a[18, 20] == 0 and a[22, 20] == 0


def test_composite_pairs_label_the_pasted_target(otb_seq, static_dir):
    sampler = PairSampler([read_otb(str(otb_seq))], read_static(str(static_dir)), seed=5, negative_share=0.0,
                          cutout_share=1.0)
    sampler.aug.colour = sampler.aug.grey = sampler.aug.blur = sampler.aug.flip = 0.0
    seen = 0
    for _ in range(12):
        s = sampler.sample()
        assert s["target"] is not None
        x1, y1, x2, y2 = s["target"]
        cx, cy = int(round(127.5 + (x1 + x2) / 2)), int(round(127.5 + (y1 + y2) / 2))
        if 0 <= cx < 255 and 0 <= cy < 255 and sampler.tracks[s["track"]][0] == "seq":
            seen += 1
            assert s["instance"][cy, cx].min() > 200  # the white target square, pasted elsewhere
    assert seen > 0


def test_unlabelled_pairs_are_cut_around_a_random_box_without_a_target(otb_seq, static_dir):
    sampler = PairSampler([read_otb(str(otb_seq))], read_static(str(static_dir)), seed=7, unlabelled_share=1.0)
    for _ in range(10):
        s = sampler.sample()
        assert s["labelled"] is False and s["target"] is None and s["distractors"] == []
        assert s["exemplar"].shape == (127, 127, 3) and s["instance"].shape == (255, 255, 3)
    for _ in range(50):
        x, y, w, h = sampler.random_box((320, 240))
        assert 0 <= x and x + w <= 320 and 0 <= y and y + h <= 240
        assert 0.1 * 240 / 1.5 <= min(w, h) and max(w, h) <= 0.5 * 240 * 1.5
    labelled = PairSampler([read_otb(str(otb_seq))], read_static(str(static_dir)), seed=7)
    assert all(labelled.sample()["labelled"] for _ in range(5))
