"""Small datasets and archives in the real layouts, built with PIL, for the dataset tests.

Every image's B half is the negative of its A half (B = 255 - A), so after any joint crop and flip
y = -x in [-1, 1]; and A is a gradient that differs left to right and top to bottom, so a crop or flip
shows. `install_facades` is the exception: a stand-in for the real facades that a net can learn.
"""

import dataclasses
import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from i2i_course.data import catalog
from i2i_course.data.download import ENV_VAR as DATA_DIR_VAR
from i2i_course.data.facades import SyntheticFacades

PIX2PIX_SPLITS = {"train": 3, "val": 2, "test": 2}
CYCLEGAN_SPLITS = {"trainA": 3, "trainB": 2, "testA": 1, "testB": 1}
FACADES_STAND_IN_SPLITS = {"train": 64, "val": 16, "test": 16}  # the real 400/100/106 take too long to train


def half(size, shift=0):
    """An (size, size, 3) uint8 gradient: red grows to the right, green downwards, blue with `shift`."""
    ramp = np.linspace(0, 255, size)
    red, green = np.meshgrid(ramp, ramp)
    blue = np.full_like(red, (40 * shift) % 256)
    return np.stack([red, green, blue], -1).astype(np.uint8)


def pair_image(size, shift=0):
    """A | B side by side, (size, 2 * size), with B = 255 - A."""
    a = half(size, shift)
    return Image.fromarray(np.concatenate([a, 255 - a], 1))


def aligned_tree(folder, splits=PIX2PIX_SPLITS, size=16, suffix=".jpg"):
    """FOLDER/SPLIT/N.jpg: a pix2pix dataset, each image A | B, no two alike."""
    made = 0
    for split, count in splits.items():
        (Path(folder) / split).mkdir(parents=True)
        for n in range(count):
            pair_image(size, made).save(Path(folder) / split / f"{n + 1}{suffix}", quality=95)
            made += 1
    return Path(folder)


def unaligned_tree(folder, splits=CYCLEGAN_SPLITS, size=16):
    """FOLDER/trainA/..., FOLDER/trainB/...: a CycleGAN dataset, one folder of images per domain."""
    for split, count in splits.items():
        (Path(folder) / split).mkdir(parents=True)
        for n in range(count):
            Image.fromarray(half(size, n)).save(Path(folder) / split / f"{n}_{split}.jpg", quality=95)
    return Path(folder)


def tar_gz(folder, top):
    """The tree at `folder` as a .tar.gz whose entries start with `top/`, as the pix2pix archives do."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(folder, arcname=top)
    return buffer.getvalue()


def zip_bytes(folder, top):
    """The tree at `folder` as a .zip whose entries start with `top/`, as the CycleGAN archives do."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(Path(folder).rglob("*")):
            archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def tar_with(entries):
    """A .tar.gz of hand-made entries: (name, bytes) files, (name, "->", target) symlinks."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for entry in entries:
            info = tarfile.TarInfo(entry[0])
            if len(entry) == 3:
                info.type, info.linkname = tarfile.SYMTYPE, entry[2]
                archive.addfile(info)
            else:
                info.size = len(entry[1])
                archive.addfile(info, io.BytesIO(entry[1]))
    return buffer.getvalue()


def zip_with(entries):
    """A .zip of hand-made entries: (name, bytes) files, (name, "->", target) symlinks (unix mode)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            if len(entry) == 3:
                info = zipfile.ZipInfo(entry[0])
                info.external_attr = 0o120777 << 16  # a symbolic link
                archive.writestr(info, entry[2])
            else:
                archive.writestr(entry[0], entry[1])
    return buffer.getvalue()


def jpeg_bytes(size=16):
    buffer = io.BytesIO()
    pair_image(size).save(buffer, format="JPEG")
    return buffer.getvalue()


def install_facades(monkeypatch, root, splits=FACADES_STAND_IN_SPLITS, size=32):
    """ROOT/facades as the real set is laid out (A photo | B label map, .jpg), made of synthetic facades,
    so that the lessons' real-data path has something learnable; $I2I_DATA_DIR points at ROOT and the
    catalog expects `splits`."""
    task = SyntheticFacades(size)
    batch = task.sample(sum(splits.values()), torch.Generator().manual_seed(123))
    pairs = torch.cat([batch.y, batch.x], -1).add(1).mul(127.5).round().clamp(0, 255).byte()  # A | B
    made = 0
    for split, count in splits.items():
        (Path(root) / "facades" / split).mkdir(parents=True)
        for n in range(count):
            image = Image.fromarray(pairs[made].permute(1, 2, 0).numpy())
            image.save(Path(root) / "facades" / split / f"{n + 1}.jpg", quality=95)
            made += 1
    monkeypatch.setitem(catalog.CATALOG, "facades", dataclasses.replace(catalog.CATALOG["facades"],
                                                                        splits=dict(splits)))
    monkeypatch.setenv(DATA_DIR_VAR, str(root))
    return Path(root) / "facades"
