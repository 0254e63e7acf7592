"""Cityscapes in pix2pix's aligned layout, made from the two archives one downloads after registering.

Cityscapes may not be redistributed, so nobody can host it for the course: register at
https://www.cityscapes-dataset.com, download gtFine_trainvaltest.zip and leftImg8bit_trainvaltest.zip,
unzip them, then `python data_scripts/prepare_cityscapes_dataset.py --gtFine_dir gtFine
--leftImg8bit_dir leftImg8bit --output_dir datasets/cityscapes`.

As the reference's prepare_cityscapes_dataset.py: each photo (`*_leftImg8bit.png`, A) and its colour
label map (`*_gtFine_color.png`, B) are resized to size x size and put side by side in one JPEG
(quality 100, no chroma subsampling); train stays train and val becomes test (Cityscapes' own test
labels are not public). Unlike the reference, the label map is resized with nearest-neighbour, so it
keeps its exact class colours, and each file keeps its Cityscapes name (aachen_000000_000019.jpg).
The output is written to a temporary folder and renamed into place when complete; an output folder
that exists and is not empty is refused, never overwritten.
"""

import os
import shutil
import tempfile
from pathlib import Path

from PIL import Image
from tqdm.auto import tqdm

from i2i_course.errors import CourseError

PHASES = {"train": "train", "val": "test"}  # Cityscapes' split -> the aligned layout's
LABEL_SUFFIX, PHOTO_SUFFIX = "_gtFine_color.png", "_leftImg8bit.png"


def find(folder, suffix):
    """{identifier: path} for every CITY/IDENTIFIER{suffix} under `folder`."""
    return {p.name.removesuffix(suffix): p for p in sorted(Path(folder).glob(f"*/*{suffix}"))}


def matched_pairs(gtfine_dir, leftimg_dir, phase):
    """[(identifier, photo path, label path)] for one split; refused when the two trees do not match."""
    labels = find(Path(gtfine_dir) / phase, LABEL_SUFFIX)
    photos = find(Path(leftimg_dir) / phase, PHOTO_SUFFIX)
    if not labels or not photos:
        raise CourseError(f"no {phase} images: expected {gtfine_dir}/{phase}/CITY/*{LABEL_SUFFIX} and "
                          f"{leftimg_dir}/{phase}/CITY/*{PHOTO_SUFFIX} (unzip gtFine_trainvaltest.zip and "
                          "leftImg8bit_trainvaltest.zip from https://www.cityscapes-dataset.com)")
    unmatched = sorted(set(labels) ^ set(photos))
    if unmatched:
        raise CourseError(f"{len(unmatched)} {phase} image(s) have a photo or a label map but not both, "
                          f"e.g. {unmatched[0]}: are --gtFine_dir and --leftImg8bit_dir from the same release?")
    return [(key, photos[key], labels[key]) for key in sorted(labels)]


def side_by_side(photo_path, label_path, size):
    """One aligned image, (2 * size) x size: the photo (A) on the left, its label map (B) on the right."""
    pair = Image.new("RGB", (2 * size, size))
    with Image.open(photo_path) as photo:
        pair.paste(photo.convert("RGB").resize((size, size), Image.BICUBIC), (0, 0))
    with Image.open(label_path) as label:
        pair.paste(label.convert("RGB").resize((size, size), Image.NEAREST), (size, 0))
    return pair


def prepare_cityscapes(gtfine_dir, leftimg_dir, output_dir, size=256, progress=True):
    """Write OUTPUT/train and OUTPUT/test in the aligned layout; returns the images per split."""
    output = Path(output_dir)
    if output.exists() and any(output.iterdir()):
        raise CourseError(f"{output} exists and is not empty; it was left as it is: choose another "
                          "--output_dir or move it away")
    pairs = {PHASES[phase]: matched_pairs(gtfine_dir, leftimg_dir, phase) for phase in PHASES}
    output.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{output.name}.preparing-", dir=output.parent))
    try:
        for split, items in pairs.items():
            (building / split).mkdir()
            for key, photo, label in tqdm(items, desc=f"cityscapes {split}", disable=not progress):
                side_by_side(photo, label, size).save(building / split / f"{key}.jpg", quality=100, subsampling=0)
        if output.exists():
            output.rmdir()  # empty, checked above
        os.rename(building, output)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return {split: len(items) for split, items in pairs.items()}
