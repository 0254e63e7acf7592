#!/usr/bin/env python3
"""Prepare Cityscapes for pix2pix: photo (A) | colour label map (B), side by side, in train/ and test/.

Cityscapes may not be redistributed. Register at https://www.cityscapes-dataset.com, download
gtFine_trainvaltest.zip and leftImg8bit_trainvaltest.zip, unzip both, then:

    python data_scripts/prepare_cityscapes_dataset.py --gtFine_dir ./gtFine --leftImg8bit_dir ./leftImg8bit \\
        --output_dir ./datasets/cityscapes

and check the result with `i2i-course data verify cityscapes`. The work is done by
i2i_course.data.cityscapes (its docstring says how the images are made); this is its command line,
with the reference script's option names.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runs from a clone without `pip install`

from i2i_course.data.cityscapes import prepare_cityscapes  # noqa: E402
from i2i_course.data.download import data_root  # noqa: E402
from i2i_course.errors import CourseError  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gtFine_dir", required=True, help="the unzipped gtFine folder (holds train/, val/)")
    parser.add_argument("--leftImg8bit_dir", required=True, help="the unzipped leftImg8bit folder")
    parser.add_argument("--output_dir", help="where to write (default: $I2I_DATA_DIR/cityscapes, else "
                        "./datasets/cityscapes); must not exist or be empty")
    parser.add_argument("--size", type=int, default=256, help="side of each half, in pixels (default 256)")
    args = parser.parse_args(argv)
    output = Path(args.output_dir) if args.output_dir else data_root() / "cityscapes"
    try:
        counts = prepare_cityscapes(args.gtFine_dir, args.leftImg8bit_dir, output, size=args.size)
    except CourseError as error:
        print(f"prepare_cityscapes_dataset: error: {error}", file=sys.stderr)
        return 2
    print(f"cityscapes written to {output}: " + ", ".join(f"{split} {n}" for split, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
