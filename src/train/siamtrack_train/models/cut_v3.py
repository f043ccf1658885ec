"""Writes NanoTrack v3's own graphs, cut for a smaller search crop, as a SiamTrack model: no training.

    /usr/bin/python3 cut_v3.py --teacher ../../../shared/models/reference/nanotrack-v3 --search 191 \
        --out ../../models/siamtrack-v3s

The backbone's declared input is made symbolic and the head's reshapes are rewritten for the crop
(nanotrack.set_search_size); the search crop is cut at v3's scale, so a 191 crop is the central part of
v3's 255 one and the map is the central 11x11 of v3's 15x15, with v3's cosine window over those cells
(nanotrack.card). The card takes v3's published post-processing and the engine's NanoTrack thresholds.
"""
import argparse
import json
import os
import sys

import onnx

from siamtrack_train.models import nanotrack


def cut(teacher, search, out, name):
    if not nanotrack.is_v3(teacher):
        raise ValueError(f"{teacher}: not NanoTrack v3's graphs (backbone.onnx, head.onnx)")
    if search > 255 or nanotrack.score_geometry(search)[0] % 2 == 0:
        raise ValueError(f"--search {search}: the map must be odd-sized and at most v3's (e.g. 223, 191, 159)")
    backbone, head = nanotrack.load_pair(teacher)
    nanotrack.set_search_size(head, search)
    size = nanotrack.score_geometry(search)[0]
    provenance = {
        "backbone": nanotrack.V3_ORIGIN,
        "surgery": {"search": search, "score_size": size, "window_size": nanotrack.score_geometry(255)[0],
                    "what": "backbone input made symbolic; head reshapes rewritten for the crop "
                            "(src/train/cut_v3.py); no weight changed, no training"},
        "licence": "Apache-2.0, as NanoTrack v3 it is derived from: LICENSE and NOTICE in this folder",
        "hyper": "NanoTrack v3's published window influence / penalty k / lr; the engine's NanoTrack lost / "
                 "uncertain thresholds and v3's verify threshold; not tuned on any set",
    }
    os.makedirs(out, exist_ok=True)
    onnx.save(backbone, os.path.join(out, "backbone.onnx"))
    onnx.save(head, os.path.join(out, "head.onnx"))
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(nanotrack.card(name, search, provenance), f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teacher", required=True, help="NanoTrack v3's folder (backbone.onnx, head.onnx)")
    ap.add_argument("--search", type=int, default=191, help="search crop side in pixels (default: 191)")
    ap.add_argument("--out", required=True, help="model folder to write")
    ap.add_argument("--name", help="model name in the card (default: the --out folder's name)")
    args = ap.parse_args()
    try:
        cut(args.teacher, args.search, args.out, args.name or os.path.basename(os.path.normpath(args.out)))
    except (ValueError, OSError) as e:
        sys.exit(f"cut_v3: {e}")


if __name__ == "__main__":
    main()
