#!/usr/bin/env bash
# Download a pix2pix dataset (aligned layout, A | B side by side) into ./datasets/NAME, as the reference
# pytorch-CycleGAN-and-pix2pix script of the same name does, but resumable, checksummed and verified:
#
#   bash data_scripts/download_pix2pix_dataset.sh facades [--root DIR] [--url URL]
#
# NAME: facades, maps, edges2shoes, edges2handbags, night2day (cityscapes: see
# data_scripts/prepare_cityscapes_dataset.py). DIR defaults to $I2I_DATA_DIR, else ./datasets.
# A thin wrapper over `i2i-course data download`; `i2i-course data list` shows every dataset.
set -euo pipefail
NAMES="facades maps edges2shoes edges2handbags night2day cityscapes"
if [[ $# -lt 1 || " $NAMES " != *" $1 "* ]]; then
    echo "usage: $0 NAME [--root DIR] [--url URL]   NAME: ${NAMES// /, }" >&2
    exit 2
fi
NAME=$1
shift
if command -v i2i-course >/dev/null 2>&1; then
    exec i2i-course data download "$NAME" "$@"
fi
exec python3 -m i2i_course.cli data download "$NAME" "$@"
