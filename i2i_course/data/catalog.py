"""The real datasets the course knows: where to fetch each one and what a complete copy looks like.

Two layouts, as in the reference pix2pix / CycleGAN code:

- **aligned** (pix2pix): `NAME/train/*.jpg`, `NAME/val/...`; each image holds the pair side by side,
  A on the left and B on the right, so it is twice as wide as it is high.
- **unaligned** (CycleGAN): `NAME/trainA`, `NAME/trainB`, `NAME/testA`, `NAME/testB`, one folder of
  images per domain, no pairing.

Each entry lists its mirrors in the order they are tried (the Berkeley hosts have moved before), and
the facts a download is checked against. Only sourced facts are recorded; unknown ones are None:

- CycleGAN archives: byte sizes, sha256 and split counts from TensorFlow Datasets' `cycle_gan` catalog
  and its `url_checksums/cycle_gan.txt` (recorded for the people.eecs.berkeley.edu/~taesung_park copies).
- facades (400 / 100 / 106, the CMP facades' 606 images), maps (1096 / 1098), edges2handbags' training
  set (138,567) and Cityscapes' fine annotations (2975 train, 500 val): the pix2pix README and
  datasets' own pages. The pix2pix archives' sizes and checksums are not published.

Where no checksum is known, the first download that passes the structure check records one in
`ROOT/SHA256SUMS` (the format `sha256sum -c` reads) and every later download is checked against it.
The catalog's names are the reference scripts' names; the two CycleGAN sets that share a name with a
pix2pix set are `cyclegan_maps` and `cyclegan_facades` (data_scripts/download_cyclegan_dataset.sh
maps the reference names onto them).
"""

import difflib
from dataclasses import dataclass, field

from i2i_course.errors import CourseError

PIX2PIX_MIRRORS = (
    "https://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{archive}",
    "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{archive}",  # the reference script's address
    "https://people.eecs.berkeley.edu/~tinghuiz/projects/pix2pix/datasets/{archive}",  # the original host
)
CYCLEGAN_MIRRORS = (
    "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/{archive}",
    "http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/{archive}",  # the reference script's address
    "https://people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/{archive}",  # the original host
)
UNALIGNED_SPLITS = ("trainA", "trainB", "testA", "testB")


@dataclass(frozen=True)
class DatasetInfo:
    """One dataset: its layout, mirrors and what a complete copy holds.

    splits: split folder -> expected image count (None: not known, only checked to be non-empty).
    direction: the way the papers translate it ("BtoA" for facades: label map B -> photo A).
    manual: how to get it by hand when it cannot be downloaded (then `urls` is empty).
    """

    name: str
    family: str  # "pix2pix" or "cyclegan"
    layout: str  # "aligned" or "unaligned"
    archive: str  # the archive's file name, e.g. facades.tar.gz
    urls: tuple = ()
    archive_bytes: int = None
    sha256: str = None
    splits: dict = field(default_factory=dict)
    direction: str = "AtoB"
    description: str = ""
    manual: str = None

    @property
    def known_images(self):
        """Total expected images, or None when a split's count is unknown."""
        counts = list(self.splits.values())
        return None if None in counts else sum(counts)


def pix2pix(name, splits, description, direction="AtoB"):
    archive = f"{name}.tar.gz"
    urls = tuple(mirror.format(archive=archive) for mirror in PIX2PIX_MIRRORS)
    return DatasetInfo(name, "pix2pix", "aligned", archive, urls, splits=splits, direction=direction,
                       description=description)


def cyclegan(name, archive_bytes, sha256, counts, description, key=None):
    archive = f"{name}.zip"
    urls = tuple(mirror.format(archive=archive) for mirror in CYCLEGAN_MIRRORS)
    return DatasetInfo(key or name, "cyclegan", "unaligned", archive, urls, archive_bytes, sha256,
                       dict(zip(UNALIGNED_SPLITS, counts)), description=description)


CITYSCAPES_HOW_TO = (
    "Cityscapes may not be redistributed: register at https://www.cityscapes-dataset.com, download "
    "gtFine_trainvaltest.zip (the label maps) and leftImg8bit_trainvaltest.zip (the photos), unzip both, "
    "then run `python data_scripts/prepare_cityscapes_dataset.py --gtFine_dir gtFine --leftImg8bit_dir "
    "leftImg8bit --output_dir ROOT/cityscapes`: it puts each photo (A) and its colour label map (B) side "
    "by side, 256x256 each, as the reference's prepare_cityscapes_dataset.py does (val becomes test)")

DATASETS = [
    pix2pix("facades", {"train": 400, "val": 100, "test": 106},
            "CMP facades: photo (A) | architectural label map (B), 606 pairs", direction="BtoA"),
    pix2pix("maps", {"train": 1096, "val": 1098}, "Google Maps: aerial photo (A) | map (B), 600x600 each"),
    pix2pix("edges2shoes", {"train": None, "val": None},
            "UT Zappos50K shoes: edges (A) | photo (B), about 50k pairs"),
    pix2pix("edges2handbags", {"train": 138567, "val": None}, "Amazon handbags: edges (A) | photo (B)"),
    pix2pix("night2day", {"train": None, "val": None, "test": None},
            "Transient Attributes: night (A) | day (B) of the same webcam scene, about 20k pairs"),
    DatasetInfo("cityscapes", "pix2pix", "aligned", "", (), splits={"train": 2975, "test": 500}, direction="BtoA",
                description="Cityscapes: street photo (A) | colour label map (B); not redistributable",
                manual=CITYSCAPES_HOW_TO),
    cyclegan("horse2zebra", 116867962, "a74d9d392eecca9966b51287a76ca126af473d9de4f3e8fc0e9cda08fa1730a1",
             (1067, 1334, 120, 140), "ImageNet horses (A) and zebras (B)"),
    cyclegan("apple2orange", 78456409, "845a191e9af8926408ea597001cd03a452e3300a1f44a79fe329b3d59f6e3eb8",
             (995, 1019, 266, 248), "ImageNet apples (A) and oranges (B)"),
    cyclegan("summer2winter_yosemite", 132640856,
             "167fe1726807a9d22bd106b4a6c0bd7953b688af924ac1bf967439c4961e49f9",
             (1231, 962, 309, 238), "Flickr photos of Yosemite in summer (A) and winter (B)"),
    cyclegan("monet2photo", 305231073, "88f91b00fc228f97c9411fbf1880ec1d119c98f1722e4cfcfaa2fb35fac05b04",
             (1072, 6287, 121, 751), "Monet's paintings (A) and landscape photos (B)"),
    cyclegan("cezanne2photo", 279885071, "3a6c10ca21f9485862f1cbd707744b9dc258954a04631271d23a3605eeb63cff",
             (525, 6287, 58, 751), "Cezanne's paintings (A) and landscape photos (B)"),
    cyclegan("ukiyoe2photo", 292946532, "02a2a2fb5ecf425ca1bf86aca7304377da64a2a1d3b86df54eb65e4068bf3b08",
             (562, 6287, 263, 751), "ukiyo-e prints (A) and landscape photos (B)"),
    cyclegan("vangogh2photo", 306590349, "362c3473e70be0944bda08d49d660eafdc2854df55d697835b8186d1d79caaff",
             (400, 6287, 400, 751), "Van Gogh's paintings (A) and landscape photos (B)"),
    cyclegan("iphone2dslr_flower", 339964458, "8fcb5e374d631b107e1d961b8c4cd0a186aa2a4ff3e279923f4c426128de7113",
             (1812, 3325, 569, 480), "flower photos from iPhones (A) and DSLRs with shallow depth of field (B)"),
    cyclegan("maps", 1476754427, "639534f69dbf9f36bef8d6292a7698006361221f83f0285d7c9ca78afe6e8a9e",
             (1096, 1096, 1098, 1098), "the maps set unpaired: aerial photos (A) and maps (B)",
             key="cyclegan_maps"),
    cyclegan("facades", 35135868, "9a31ebf3a31b9b5cd195dd5bf62e9308e00cb94604d1019e3889ac84248695c0",
             (400, 400, 106, 106), "the facades set unpaired: photos (A) and label maps (B)",
             key="cyclegan_facades"),
]
CATALOG = {info.name: info for info in DATASETS}


def get_info(name):
    """The catalog entry called `name`; an unknown name is an error that lists the known ones."""
    if name in CATALOG:
        return CATALOG[name]
    close = difflib.get_close_matches(str(name), CATALOG, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise CourseError(f"unknown dataset {name!r}{hint}: choose one of {', '.join(CATALOG)} "
                      "(`i2i-course data list` describes them)")


def describe_size(info):
    if info.archive_bytes is None:
        return "size unknown"
    return f"{info.archive_bytes / 2**20:,.0f} MiB"
