"""The `i2i-course` command line.

    i2i-course tour [--profile P] [--json FILE] [--out DIR] [--seed S] [--lessons 01,02] [--dataset D]
        run every lesson's experiment, print the claims table, save figures and the claims JSON;
        exit 0 when every claim holds, 1 otherwise. --dataset facades runs lessons 02 and 03 on the real
        CMP facades (fetched on the colab and full profiles, else `i2i-course data download facades`).
    i2i-course notebooks [--profile cpu] [--sync-only] [NOTEBOOK ...]
        re-execute the lesson notebooks and save them with their outputs, noisy metadata stripped.
    i2i-course release [ASSIGNMENT ...]
        regenerate assignments/ (the student notebooks) from solutions/ with nbgrader, deterministically.
    i2i-course grade ASSIGNMENT [--student ID] [--force] [--jobs N]
        back up, repair and scan the submissions, autograde each in its own sandbox (N at once), report
        each student's score; exit 0 when all went well, 1 when a submission needs a person.
    i2i-course data list [--root DIR]
        the real datasets the course knows (facades, maps, horse2zebra, ...): layout, splits, size.
    i2i-course data download NAME [--root DIR] [--url URL] [--keep-archive]
        fetch (resuming), check and safely unpack a dataset into DIR/NAME; nothing when it is there.
    i2i-course data verify NAME [--root DIR]
        check DIR/NAME: splits, image counts, every image decodes; exit 0 when complete, 1 otherwise.
    DIR defaults to $I2I_DATA_DIR, else ./datasets.
"""

import argparse
import json
import sys
from pathlib import Path

from i2i_course.errors import CourseError


def tour(args):
    import matplotlib

    matplotlib.use("Agg")  # figures go to files, never to a screen

    from i2i_course.experiments.tour import run_tour
    from i2i_course.profiles import get_profile
    from i2i_course.results import claims_table

    profile = get_profile(args.profile)
    lessons = args.lessons.split(",") if args.lessons else None
    print(f"i2i-course tour: profile {profile.name} ({profile.description}), seed {args.seed}, "
          f"dataset {args.dataset}", flush=True)
    claims = run_tour(profile, seed=args.seed, lessons=lessons, dataset=args.dataset, out=args.out,
                      progress=not args.quiet, say=lambda line: print(line, flush=True))
    print()
    print(claims_table(claims))
    if args.out:
        print(f"\nfigures written to {Path(args.out)}/")
    if args.json:
        report = {"profile": profile.name, "seed": args.seed, "dataset": args.dataset,
                  "claims": [c.to_dict() for c in claims]}
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"claims written to {args.json}")
    failed = [c for c in claims if not c.holds]
    if failed:
        print(f"\n{len(failed)} claim(s) do not hold: {', '.join(c.lesson + '/' + c.id for c in failed)}")
        return 1
    print(f"\nall {len(claims)} claims hold")
    return 0


def notebooks(args):
    from i2i_course.course import notebooks as nb_tools

    return nb_tools.command(args)


def release(args):
    from i2i_course.course.coursedir import find_course
    from i2i_course.course.release import release

    release(find_course(), args.assignments)
    return 0


def grade(args):
    from i2i_course.course.coursedir import find_course
    from i2i_course.course.grade import grade

    return grade(find_course(), args.assignment, student=args.student, force=args.force, jobs=args.jobs)


def data_list(args):
    from i2i_course.data.catalog import DATASETS, describe_size
    from i2i_course.data.download import data_root, is_complete

    root = data_root(args.root)
    print(f"datasets the course knows (here: present and complete in {root}/)\n")
    for info in DATASETS:
        splits = ", ".join(f"{split} {'?' if n is None else n}" for split, n in info.splits.items())
        source = describe_size(info) if info.urls else "by hand"
        here = "here" if is_complete(info.name, root) else ""
        print(f"{info.name:24} {info.layout:10} {source:>13}  {here:4}  {splits}")
        print(f"{'':24} {info.description}")
    print("\n? = count not published: checked to be non-empty. `i2i-course data download NAME` fetches one.")
    for info in DATASETS:
        if info.manual:
            print(f"{info.name}: {info.manual}.")
    return 0


def data_download(args):
    from i2i_course.data.download import download

    download(args.name, args.root, url=args.url, progress=not args.quiet, keep_archive=args.keep_archive)
    return 0


def data_verify(args):
    from i2i_course.data.download import verify

    folder, counts, problems = verify(args.name, args.root, progress=not args.quiet)
    print(f"{args.name} in {folder}: " + ", ".join(f"{split} {n}" for split, n in counts.items()))
    for problem in problems:
        print(f"  problem: {problem}")
    print("complete: every split there, counts as expected, every image decodes" if not problems
          else f"{args.name} is not complete ({len(problems)} problem(s)); it was left as it is")
    return 1 if problems else 0


def build_parser():
    parser = argparse.ArgumentParser(prog="i2i-course", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("tour", help="run every lesson's experiment and check its claims")
    p.add_argument("--profile", help="ci, cpu, colab or full (default: $I2I_PROFILE, else automatic)")
    p.add_argument("--json", metavar="FILE", help="write the claims as JSON to FILE")
    p.add_argument("--out", metavar="DIR", help="write the figures as PNG files to DIR")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--lessons", help="comma-separated lesson numbers (default: all)")
    p.add_argument("--dataset", default="synthetic",
                   help="what lessons 02 and 03 run on: synthetic (default) or the real facades, which the "
                   "colab and full profiles download (else: i2i-course data download facades)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=tour)

    p = commands.add_parser("notebooks", help="re-execute and re-save the lesson notebooks")
    p.add_argument("paths", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    p.add_argument("--profile", default="cpu", help="profile to execute them at (default cpu)")
    p.add_argument("--sync-only", action="store_true",
                   help="only rewrite the Colab install cell and README badges from pyproject.toml")
    p.set_defaults(func=notebooks)

    p = commands.add_parser("release", help="regenerate assignments/ from solutions/ (nbgrader)")
    p.add_argument("assignments", nargs="*", help="assignment folders in solutions/ (default: all)")
    p.set_defaults(func=release)

    p = commands.add_parser("grade", help="autograde the submissions of an assignment, each in a sandbox (nbgrader)")
    p.add_argument("assignment", help="the assignment, e.g. 01_losses_and_blur")
    p.add_argument("--student", help="only this student's submission")
    p.add_argument("--force", action="store_true", help="autograde again submissions already autograded")
    p.add_argument("--jobs", type=int, help="notebooks graded at once (default: the number of cores)")
    p.set_defaults(func=grade)

    p = commands.add_parser("data", help="list, download and verify the real datasets (facades, horse2zebra, ...)")
    data = p.add_subparsers(dest="data_command", required=True)
    root_help = "the folder datasets live in (default: $I2I_DATA_DIR, else ./datasets)"
    q = data.add_parser("list", help="the datasets the course knows: layout, size, splits, which are here")
    q.add_argument("--root", help=root_help)
    q.set_defaults(func=data_list)
    q = data.add_parser("download", help="fetch (resuming), check and safely unpack a dataset into ROOT/NAME",
                        description="Download a dataset into ROOT/NAME: resumes an interrupted transfer, checks "
                        "the sha256, extracts safely, verifies every image, and does nothing when the dataset "
                        "is already there. An existing folder is never overwritten.")
    q.add_argument("name", help="a dataset name, e.g. facades or horse2zebra (see `i2i-course data list`)")
    q.add_argument("--root", help=root_help)
    q.add_argument("--url", help="download from URL instead of the catalog's mirrors (a course mirror, a copy)")
    q.add_argument("--keep-archive", action="store_true", help="keep the downloaded archive in ROOT")
    q.add_argument("--quiet", action="store_true", help="no progress bars")
    q.set_defaults(func=data_download)
    q = data.add_parser("verify", help="check ROOT/NAME: splits, counts, every image decodes (exit 1 if not)")
    q.add_argument("name", help="a dataset name (see `i2i-course data list`)")
    q.add_argument("--root", help=root_help)
    q.add_argument("--quiet", action="store_true", help="no progress bars")
    q.set_defaults(func=data_verify)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CourseError as error:
        print(f"i2i-course: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("i2i-course: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
