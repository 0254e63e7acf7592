"""Is a dataset folder complete? Splits present, image counts as the catalog says, images that decode.

`check_folder(info, folder)` returns a list of problems (empty: the folder is a complete copy).
`decode=False` only lists the folders (fast: how `download` tells that a dataset is already there);
`decode=True` also opens every image and, in the aligned layout, checks that it is twice as wide as it
is high (A | B side by side).
"""

from pathlib import Path

from PIL import Image
from tqdm.auto import tqdm

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".tif", ".tiff", ".webp"}  # as the reference
MAX_LISTED = 3  # bad images named in a problem; the rest are counted


def image_files(folder):
    """The images directly in `folder`, sorted by name (hidden files and other files are skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file())


def image_problem(path, aligned):
    """Why the image at `path` is unusable, or None when it decodes (and is A | B when `aligned`)."""
    try:
        with Image.open(path) as image:
            image.load()
            width, height = image.size
    except Exception as error:  # PIL raises many types for a broken file
        return f"does not decode ({type(error).__name__})"
    if aligned and width != 2 * height:
        return f"is {width}x{height}, not twice as wide as high (A | B side by side)"
    return None


def check_folder(info, folder, decode=True, progress=False):
    """Problems with `folder` as a copy of the catalog entry `info` (an empty list: it is complete)."""
    folder = Path(folder)
    if not folder.is_dir():
        return [f"{folder} is not a folder"]
    problems, to_decode = [], []
    for split, expected in info.splits.items():
        files = image_files(folder / split)
        if not files:
            problems.append(f"split {split}/ is missing or has no images")
        elif expected is not None and len(files) != expected:
            problems.append(f"split {split}/ has {len(files)} images, expected {expected}")
        to_decode += files
    if problems or not decode:
        return problems
    bad = []
    for path in tqdm(to_decode, desc=f"checking {info.name}", unit="img", disable=not progress, leave=False):
        reason = image_problem(path, info.layout == "aligned")
        if reason:
            bad.append(f"{path.relative_to(folder)} {reason}")
    if bad:
        more = f" (and {len(bad) - MAX_LISTED} more)" if len(bad) > MAX_LISTED else ""
        problems.append(f"{len(bad)} bad image(s): {'; '.join(bad[:MAX_LISTED])}{more}")
    return problems


def split_counts(info, folder):
    """Images per split folder, e.g. {"train": 400, "val": 100, "test": 106}."""
    return {split: len(image_files(Path(folder) / split)) for split in info.splits}
