#!/usr/bin/env bash
# Download a CycleGAN dataset (unaligned layout: trainA, trainB, testA, testB) into ./datasets/NAME, as the
# reference pytorch-CycleGAN-and-pix2pix script of the same name does, but resumable, checksummed and
# verified:
#
#   bash data_scripts/download_cyclegan_dataset.sh horse2zebra [--root DIR] [--url URL]
#
# NAME: the reference's names. maps and facades are stored as cyclegan_maps and cyclegan_facades, so that
# they do not collide with the pix2pix sets of the same name. DIR defaults to $I2I_DATA_DIR, else
# ./datasets. A thin wrapper over `i2i-course data download`; `i2i-course data list` shows every dataset.
set -euo pipefail
NAMES="apple2orange summer2winter_yosemite horse2zebra monet2photo cezanne2photo ukiyoe2photo vangogh2photo"
NAMES="$NAMES iphone2dslr_flower maps facades"
if [[ $# -lt 1 || " $NAMES " != *" $1 "* ]]; then
    echo "usage: $0 NAME [--root DIR] [--url URL]   NAME: ${NAMES// /, }" >&2
    exit 2
fi
case "$1" in
    maps | facades) NAME="cyclegan_$1" ;;
    *) NAME=$1 ;;
esac
shift
if command -v i2i-course >/dev/null 2>&1; then
    exec i2i-course data download "$NAME" "$@"
fi
exec python3 -m i2i_course.cli data download "$NAME" "$@"
