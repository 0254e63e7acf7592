"""Real datasets: catalog, download (resume, checksums, safe extraction), verification, loaders, CLI.

No test touches the internet: a server on 127.0.0.1 (datasets_server.py) serves small archives the
tests build in each real layout (datasets_archives.py), and catalog entries point at it.
"""

import dataclasses
import hashlib
import os
import runpy
import subprocess
import tarfile
from pathlib import Path

import pytest
import torch
from datasets_archives import (CYCLEGAN_SPLITS, PIX2PIX_SPLITS, aligned_tree, jpeg_bytes, pair_image, tar_gz,
                               tar_with, unaligned_tree, zip_bytes, zip_with)
from datasets_server import ArchiveServer

from i2i_course import CourseError, cli
from i2i_course.data import catalog
from i2i_course.data.download import ENV_VAR as DATA_DIR_VAR
from i2i_course.data.download import SUMS_FILE, download, fetch, verify
from i2i_course.data.folders import AlignedDataset, UnalignedDataset
from i2i_course.data.layout import image_files
from i2i_course.data.real_task import PairedFolderTask, facades_task
from i2i_course.experiments.datasets import lesson_task
from i2i_course.profiles import get_profile

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_proxy_for_the_local_server(monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def server():
    with ArchiveServer() as running:
        yield running


def serve_as(monkeypatch, name, server, splits, archive_bytes=None, sha256=None, extra_urls=()):
    """Point catalog entry `name` at the local server, with the small archive's splits and checksum."""
    info = catalog.CATALOG[name]
    urls = tuple(extra_urls) + (server.url(info.archive),)
    monkeypatch.setitem(catalog.CATALOG, name, dataclasses.replace(
        info, urls=urls, splits=dict(splits), archive_bytes=archive_bytes, sha256=sha256))
    if archive_bytes is not None:
        server.files[info.archive] = archive_bytes
    return catalog.CATALOG[name]


@pytest.fixture
def facades_archive(tmp_path_factory):
    return tar_gz(aligned_tree(tmp_path_factory.mktemp("build") / "facades"), "facades")


def leftovers(root):
    """What a failed download left in ROOT: should be nothing (no dataset, .part, archive or temp folder)."""
    return sorted(p.name for p in Path(root).iterdir()) if Path(root).exists() else []


# --- the catalog


def test_catalog_holds_the_reference_datasets_with_sourced_facts():
    names = set(catalog.CATALOG)
    assert {"facades", "maps", "edges2shoes", "edges2handbags", "night2day", "cityscapes"} <= names
    assert {"horse2zebra", "apple2orange", "summer2winter_yosemite", "monet2photo", "cezanne2photo",
            "ukiyoe2photo", "vangogh2photo", "iphone2dslr_flower", "cyclegan_maps", "cyclegan_facades"} <= names
    assert catalog.CATALOG["facades"].splits == {"train": 400, "val": 100, "test": 106}
    assert catalog.CATALOG["facades"].direction == "BtoA"  # label map (B) -> photo (A), as the reference
    for info in catalog.DATASETS:
        assert info.layout in ("aligned", "unaligned") and info.splits
        if info.name == "cityscapes":
            assert not info.urls and "cityscapes-dataset.com" in info.manual
            continue
        assert len(info.urls) >= 2 and all(url.endswith("/" + info.archive) for url in info.urls)
        if info.family == "cyclegan":
            assert set(info.splits) == {"trainA", "trainB", "testA", "testB"}
            assert len(info.sha256) == 64 and info.archive_bytes > 0 and info.known_images > 0


def test_an_unknown_name_lists_the_known_ones(capsys):
    with pytest.raises(CourseError, match="did you mean facades.*horse2zebra"):
        catalog.get_info("facadez")
    assert cli.main(["data", "download", "zebra2horse"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "choose one of facades, maps" in error and "cyclegan_facades" in error


# --- download, verify, extract, load: each layout


def test_aligned_tar_gz_downloads_verifies_records_its_checksum_and_loads(monkeypatch, tmp_path, server,
                                                                        facades_archive):
    root = tmp_path / "data"
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive,
             extra_urls=[server.url("moved-away/facades.tar.gz")])  # the first mirror is gone: 404
    folder = download("facades", root, progress=False)
    assert folder == root / "facades"
    assert [name for name, _ in server.requests] == ["moved-away/facades.tar.gz", "facades.tar.gz"]
    assert {split: len(image_files(folder / split)) for split in PIX2PIX_SPLITS} == PIX2PIX_SPLITS
    sha = hashlib.sha256(facades_archive).hexdigest()
    assert (root / SUMS_FILE).read_text() == f"{sha}  facades.tar.gz\n"  # recorded: none was known
    assert leftovers(root) == [SUMS_FILE, "facades"]  # the archive was removed, no temp left
    x, y = AlignedDataset(folder, "train", "BtoA", load_size=16, crop_size=16, flip=False)[0]
    assert x.shape == y.shape == (3, 16, 16)


def test_unaligned_zip_with_a_catalog_checksum_downloads_and_loads(monkeypatch, tmp_path, server):
    archive = zip_bytes(unaligned_tree(tmp_path / "build"), "horse2zebra")
    serve_as(monkeypatch, "horse2zebra", server, CYCLEGAN_SPLITS, archive, hashlib.sha256(archive).hexdigest())
    folder = download("horse2zebra", tmp_path / "data", progress=False)
    assert leftovers(tmp_path / "data") == ["horse2zebra"]  # a catalog checksum needs no record
    dataset = UnalignedDataset(folder, "train", load_size=12, crop_size=8)
    assert len(dataset) == 3
    a, b = dataset[2]
    assert a.shape == b.shape == (3, 8, 8)


def test_a_second_download_makes_no_request(monkeypatch, tmp_path, server, facades_archive, capsys):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    download("facades", tmp_path, progress=False)
    requests = len(server.requests)
    assert download("facades", tmp_path, progress=False) == tmp_path / "facades"
    assert len(server.requests) == requests
    assert "already in" in capsys.readouterr().out


# --- resuming


def test_a_dropped_connection_is_resumed_with_a_range_request(tmp_path, server, facades_archive):
    server.files["facades.tar.gz"] = facades_archive
    cut = len(facades_archive) // 2
    server.drop_after["facades.tar.gz"] = cut
    part = tmp_path / "facades.tar.gz.part"
    fetch(server.url("facades.tar.gz"), part, progress=False)
    assert server.requests == [("facades.tar.gz", None), ("facades.tar.gz", f"bytes={cut}-")]
    assert part.read_bytes() == facades_archive


def test_a_part_left_by_an_interrupted_run_is_resumed(monkeypatch, tmp_path, server, facades_archive):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    kept = 1000
    (tmp_path / "facades.tar.gz.part").write_bytes(facades_archive[:kept])
    download("facades", tmp_path, progress=False)
    assert server.requests == [("facades.tar.gz", f"bytes={kept}-")]
    assert (tmp_path / SUMS_FILE).read_text().split()[0] == hashlib.sha256(facades_archive).hexdigest()


def test_a_part_that_is_already_whole_is_not_fetched_again(tmp_path, server, facades_archive):
    server.files["facades.tar.gz"] = facades_archive
    part = tmp_path / "facades.tar.gz.part"
    part.write_bytes(facades_archive)
    fetch(server.url("facades.tar.gz"), part, progress=False)
    assert server.requests == [("facades.tar.gz", f"bytes={len(facades_archive)}-")]
    assert part.read_bytes() == facades_archive


def test_a_server_that_ignores_ranges_restarts_the_file(tmp_path, server, facades_archive):
    server.files["facades.tar.gz"], server.ranges = facades_archive, False
    part = tmp_path / "facades.tar.gz.part"
    part.write_bytes(b"stale bytes")
    fetch(server.url("facades.tar.gz"), part, progress=False)
    assert part.read_bytes() == facades_archive


# --- refusals that leave nothing behind


def test_a_corrupted_archive_is_refused_and_leaves_nothing(monkeypatch, tmp_path, server, facades_archive):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive[:-300] + bytes(300))
    with pytest.raises(CourseError, match="cannot be read as an archive.*corrupt"):
        download("facades", tmp_path, progress=False)
    assert leftovers(tmp_path) == []


def test_an_archive_with_broken_images_is_refused_and_leaves_nothing(monkeypatch, tmp_path, server):
    tree = aligned_tree(tmp_path / "build" / "facades")
    (tree / "val" / "1.jpg").write_bytes(b"not a jpeg")
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, tar_gz(tree, "facades"))
    with pytest.raises(CourseError, match=r"1 bad image\(s\): val/1.jpg does not decode"):
        download("facades", tmp_path / "data", progress=False)
    assert leftovers(tmp_path / "data") == []


def test_a_checksum_mismatch_is_refused_with_a_clear_error(tmp_path, server):
    server.files["horse2zebra.zip"] = zip_bytes(unaligned_tree(tmp_path / "build"), "horse2zebra")
    expected = catalog.CATALOG["horse2zebra"].sha256  # the real catalog's, which this small zip is not
    with pytest.raises(CourseError, match=f"does not match {expected} from the catalog.*by hand"):
        download("horse2zebra", tmp_path / "data", url=server.url("horse2zebra.zip"), progress=False)
    assert leftovers(tmp_path / "data") == []


def test_a_recorded_checksum_is_checked_on_later_downloads(monkeypatch, tmp_path, tmp_path_factory, server,
                                                          facades_archive):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    download("facades", tmp_path, progress=False)
    (tmp_path / "facades").rename(tmp_path / "moved")  # the user moves it away; the record stays
    server.files["facades.tar.gz"] = tar_gz(aligned_tree(tmp_path_factory.mktemp("other") / "facades", size=8),
                                            "facades")
    with pytest.raises(CourseError, match=f"does not match .* from {tmp_path / SUMS_FILE}"):
        download("facades", tmp_path, progress=False)
    assert leftovers(tmp_path) == [SUMS_FILE, "moved"]


UNSAFE = {
    "tar entry ../evil": ("facades.tar.gz", tar_with([("facades/train/1.jpg", jpeg_bytes()), ("../evil", b"x")])),
    "tar absolute path": ("facades.tar.gz", tar_with([("/tmp/i2i-evil", b"x")])),
    "tar symlink outside": ("facades.tar.gz", tar_with([("facades/train", "->", "../../../outside")])),
    "tar symlink to /": ("facades.tar.gz", tar_with([("facades/etc", "->", "/etc")])),
    "zip entry ../evil": ("horse2zebra.zip", zip_with([("horse2zebra/trainA/1.jpg", jpeg_bytes()),
                                                       ("../evil", b"x")])),
    "zip symlink outside": ("horse2zebra.zip", zip_with([("horse2zebra/trainA", "->", "../../outside")])),
}


@pytest.mark.parametrize("case", UNSAFE)
def test_an_archive_with_an_entry_outside_the_target_is_refused(monkeypatch, tmp_path, server, case):
    archive_name, archive = UNSAFE[case]
    name = archive_name.split(".")[0]
    monkeypatch.setitem(catalog.CATALOG, name, dataclasses.replace(catalog.CATALOG[name], sha256=None))
    server.files[archive_name] = archive
    root = tmp_path / "deep" / "data"
    with pytest.raises(CourseError, match="unsafe entry .*nothing was extracted"):
        download(name, root, url=server.url(archive_name), progress=False)
    assert leftovers(root) == []
    assert not (tmp_path / "deep" / "evil").exists() and not (tmp_path / "evil").exists()


def test_the_checks_by_hand_guard_pythons_without_tarfiles_data_filter(monkeypatch, tmp_path, server,
                                                                      facades_archive):
    monkeypatch.delattr(tarfile, "data_filter")  # as on Python 3.11.0 to 3.11.3
    server.files["evil.tar.gz"] = UNSAFE["tar symlink outside"][1]
    with pytest.raises(CourseError, match="unsafe entry 'facades/train'"):
        download("facades", tmp_path / "data", url=server.url("evil.tar.gz"), progress=False)
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    assert download("facades", tmp_path / "data", progress=False).is_dir()


def test_an_existing_folder_is_never_overwritten(monkeypatch, tmp_path, server, facades_archive):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    mine = tmp_path / "facades" / "my_notes.txt"
    mine.parent.mkdir()
    mine.write_text("keep me")
    with pytest.raises(CourseError, match="exists but is not a complete facades dataset.*left as it is"):
        download("facades", tmp_path, progress=False)
    assert mine.read_text() == "keep me" and os.listdir(mine.parent) == ["my_notes.txt"]
    assert server.requests == []


def test_an_archive_fetched_by_hand_is_used_and_kept(monkeypatch, tmp_path, server, facades_archive):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS)  # serves nothing: a request would 404
    (tmp_path / "facades.tar.gz").write_bytes(facades_archive)
    download("facades", tmp_path, progress=False)
    assert server.requests == []
    assert leftovers(tmp_path) == [SUMS_FILE, "facades", "facades.tar.gz"]


def test_when_every_mirror_fails_the_error_says_how_to_fetch_by_hand(monkeypatch, tmp_path, server):
    info = serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, extra_urls=[server.url("old/facades.tar.gz")])
    with pytest.raises(CourseError) as error:
        download("facades", tmp_path, progress=False)
    message = str(error.value)
    assert "facades.tar.gz: HTTP 404 Not Found;" in message and "\n" not in message
    assert f"download {info.urls[0]} (or a mirror: {info.urls[1]})" in message
    assert f"save it as {tmp_path / 'facades.tar.gz'}" in message
    assert leftovers(tmp_path) == []


def test_cityscapes_cannot_be_downloaded_and_says_where_to_get_it(tmp_path):
    with pytest.raises(CourseError, match="cityscapes-dataset.com.*prepare_cityscapes_dataset.py"):
        download("cityscapes", tmp_path)


# --- loaders


def test_aligned_dataset_shapes_range_and_direction(tmp_path):
    tree = aligned_tree(tmp_path / "facades", suffix=".png")
    a_to_b = AlignedDataset(tree, "val", "AtoB", load_size=16, crop_size=16, flip=False)
    b_to_a = AlignedDataset(tree, "val", "BtoA", load_size=16, crop_size=16, flip=False)
    assert len(a_to_b) == 2
    x, y = a_to_b[1]
    assert x.shape == y.shape == (3, 16, 16) and x.dtype == torch.float32
    assert x.min() >= -1 and x.max() <= 1 and x.min() < -0.9 and x.max() > 0.9
    assert x[0, 0, 0] == -1 and x[0, 0, -1] == 1  # A: red grows to the right
    assert torch.allclose(y, -x)  # B = 255 - A
    swapped_x, swapped_y = b_to_a[1]
    assert torch.equal(swapped_x, y) and torch.equal(swapped_y, x)


def test_aligned_crop_and_flip_are_joint_and_repeat_with_the_seed(tmp_path):
    tree = aligned_tree(tmp_path / "facades", suffix=".png")
    dataset = AlignedDataset(tree, "train", load_size=16, crop_size=10)
    draws = []
    for seed in range(6):
        torch.manual_seed(seed)
        x, y = dataset[0]
        assert x.shape == (3, 10, 10) and torch.allclose(y, -x, atol=0.02)  # same crop and flip for A and B
        draws.append(x)
    torch.manual_seed(3)
    assert torch.equal(dataset[0][0], draws[3])
    assert any(not torch.equal(draws[0], other) for other in draws[1:])
    flipped = [d for d in draws if d[0, 0, 0] > d[0, 0, -1]]  # red falls to the right: mirrored
    assert 0 < len(flipped) < len(draws)


def test_unaligned_dataset_pairs_and_direction(tmp_path):
    tree = unaligned_tree(tmp_path / "horse2zebra")
    serial = UnalignedDataset(tree, "train", load_size=16, crop_size=16, flip=False, serial=True)
    assert len(serial) == 3
    a, b = serial[2]
    assert a.shape == b.shape == (3, 16, 16) and a.min() >= -1 and b.max() <= 1
    b_first = UnalignedDataset(tree, "train", "BtoA", load_size=16, crop_size=16, flip=False, serial=True)
    assert torch.equal(b_first[2][0], b) and torch.equal(b_first[2][1], a)
    with pytest.raises(CourseError, match="no images in .*valA.*unaligned layout"):
        UnalignedDataset(tree, "val")


def test_loaders_refuse_a_bad_direction_or_crop(tmp_path):
    tree = aligned_tree(tmp_path / "facades")
    with pytest.raises(CourseError, match="AtoB or BtoA"):
        AlignedDataset(tree, direction="AB")
    with pytest.raises(CourseError, match="at most load_size"):
        AlignedDataset(tree, load_size=8, crop_size=16)


# --- the task adapter for the training code


def test_paired_folder_task_batches_and_samples_like_a_synthetic_task(tmp_path):
    tree = aligned_tree(tmp_path / "facades", splits={"train": 5, "val": 2, "test": 2}, size=32, suffix=".png")
    task = PairedFolderTask(tree, 16, direction="BtoA", eval_splits=("val", "test"), progress=False)
    assert task.load_size == 18 and task.classes is None
    stream = task.batches(4, seed=0)
    x, y = next(stream)
    assert x.shape == y.shape == (4, 3, 16, 16) and x.min() >= -1 and x.max() <= 1
    assert torch.allclose(x, -y, atol=0.02)  # x = B, y = A: the jitter is joint
    again = next(task.batches(4, seed=0))
    assert torch.equal(again[0], x) and torch.equal(again[1], y)
    assert not torch.equal(next(task.batches(4, seed=1))[0], x)
    batch = task.sample(6, torch.Generator().manual_seed(0))  # more than the 4 held-out pairs: repeats
    assert batch.x.shape == (6, 3, 16, 16) and batch.labels is None
    assert len({image[2, 0, 0].item() for image in batch.y}) == 4  # the blue level tells the images apart
    assert torch.equal(task.sample(6, torch.Generator().manual_seed(0)).x, batch.x)


def test_facades_task_says_how_to_get_the_data_or_downloads_it(monkeypatch, tmp_path, server, facades_archive):
    with pytest.raises(CourseError, match="i2i-course data download facades --root .*download=True"):
        facades_task(32, root=tmp_path)
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    task = facades_task(32, root=tmp_path, download=True, progress=False)
    assert task.image_size == 32 and task.direction == "BtoA" and task.eval_splits == ("val", "test")
    x, y = next(task.batches(2, seed=0))
    assert x.shape == (2, 3, 32, 32)
    assert task.sample(3, torch.Generator().manual_seed(0)).y.shape == (3, 3, 32, 32)
    requests = len(server.requests)
    facades_task(32, root=tmp_path, download=True, progress=False)
    assert len(server.requests) == requests


def test_the_gpu_profiles_fetch_the_facades_and_the_cpu_ones_do_not(monkeypatch, tmp_path, server,
                                                                     facades_archive):
    """Lesson policy (experiments.datasets): the colab and full profiles download, the others say how to."""
    monkeypatch.setenv(DATA_DIR_VAR, str(tmp_path))
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS, facades_archive)
    synthetic = lambda: pytest.fail("the synthetic task was built")  # noqa: E731
    for profile in ("ci", "cpu"):
        with pytest.raises(CourseError, match="i2i-course data download facades"):
            lesson_task("facades", get_profile(profile), synthetic)
    assert server.requests == [] and leftovers(tmp_path) == []
    assert lesson_task("facades", get_profile("colab"), synthetic, progress=False).image_size == 128
    assert (tmp_path / "facades" / "train").is_dir() and len(server.requests) == 1


# --- the command line


def test_data_cli_downloads_verifies_and_lists(monkeypatch, tmp_path, server, facades_archive, capsys):
    serve_as(monkeypatch, "facades", server, PIX2PIX_SPLITS)
    server.files["mirror/facades.tar.gz"] = facades_archive
    root = str(tmp_path)
    assert cli.main(["data", "download", "facades", "--root", root, "--url", server.url("mirror/facades.tar.gz"),
                     "--quiet"]) == 0
    assert server.requests == [("mirror/facades.tar.gz", None)]
    assert cli.main(["data", "verify", "facades", "--root", root, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"ready in {tmp_path / 'facades'}" in out and "train 3, val 2, test 2" in out and "complete" in out
    (tmp_path / "facades" / "test" / "2.jpg").write_bytes(b"broken")
    assert cli.main(["data", "verify", "facades", "--root", root, "--quiet"]) == 1
    assert "test/2.jpg does not decode" in capsys.readouterr().out
    assert cli.main(["data", "list", "--root", root]) == 0
    listing = capsys.readouterr().out
    assert "horse2zebra" in listing and "cyclegan_maps" in listing and "cityscapes-dataset.com" in listing


def test_data_cli_verify_of_a_missing_dataset_is_a_one_line_error(tmp_path, capsys):
    assert cli.main(["data", "verify", "maps", "--root", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "i2i-course data download maps" in error


def test_data_help_names_the_default_root(capsys):
    with pytest.raises(SystemExit):
        cli.main(["data", "download", "--help"])
    assert "$I2I_DATA_DIR, else ./datasets" in " ".join(capsys.readouterr().out.split())


# --- data_scripts


def cityscapes_tree(base, cities=("aachen", "bochum"), phases=("train", "val")):
    for phase in phases:
        for city in cities:
            for frame in range(2):
                stem = f"{city}_{frame:06d}_000019"
                label, photo = pair_image(8).crop((8, 0, 16, 8)), pair_image(8).crop((0, 0, 8, 8))
                for folder, suffix, image in (("gtFine", "_gtFine_color.png", label),
                                              ("leftImg8bit", "_leftImg8bit.png", photo)):
                    path = base / folder / phase / city / f"{stem}{suffix}"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    image.resize((32, 16)).save(path)
    return base / "gtFine", base / "leftImg8bit"


def run_script(name, *args):
    return runpy.run_path(str(ROOT / "data_scripts" / name))["main"](list(args))


def test_prepare_cityscapes_makes_the_aligned_layout(monkeypatch, tmp_path, capsys):
    gtfine, leftimg = cityscapes_tree(tmp_path / "raw")
    out = tmp_path / "data" / "cityscapes"
    assert run_script("prepare_cityscapes_dataset.py", "--gtFine_dir", str(gtfine), "--leftImg8bit_dir",
                      str(leftimg), "--output_dir", str(out), "--size", "16") == 0
    assert "train 4, test 4" in capsys.readouterr().out
    assert sorted(p.name for p in (out / "test").iterdir())[0] == "aachen_000000_000019.jpg"
    monkeypatch.setitem(catalog.CATALOG, "cityscapes",
                        dataclasses.replace(catalog.CATALOG["cityscapes"], splits={"train": 4, "test": 4}))
    folder, counts, problems = verify("cityscapes", tmp_path / "data", progress=False)
    assert problems == [] and counts == {"train": 4, "test": 4}
    x, y = AlignedDataset(folder, "test", "AtoB", load_size=16, crop_size=16, flip=False)[0]
    assert torch.allclose(y, -x, atol=0.1)  # photo | label map, in the same place
    assert run_script("prepare_cityscapes_dataset.py", "--gtFine_dir", str(gtfine), "--leftImg8bit_dir",
                      str(leftimg), "--output_dir", str(out)) == 2
    assert "not empty; it was left as it is" in capsys.readouterr().err


def test_prepare_cityscapes_refuses_trees_that_do_not_match(tmp_path, capsys):
    gtfine, leftimg = cityscapes_tree(tmp_path / "raw")
    next((leftimg / "val" / "bochum").iterdir()).unlink()
    out = tmp_path / "cityscapes"
    assert run_script("prepare_cityscapes_dataset.py", "--gtFine_dir", str(gtfine), "--leftImg8bit_dir",
                      str(leftimg), "--output_dir", str(out)) == 2
    assert "photo or a label map but not both, e.g. bochum_" in capsys.readouterr().err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


@pytest.mark.parametrize("script, name, passed", [
    ("download_pix2pix_dataset.sh", "facades", "facades"),
    ("download_cyclegan_dataset.sh", "horse2zebra", "horse2zebra"),
    ("download_cyclegan_dataset.sh", "maps", "cyclegan_maps"),
])
def test_download_scripts_call_the_cli_with_the_catalog_name(tmp_path, script, name, passed):
    fake = tmp_path / "bin" / "i2i-course"  # stands in for the real command: prints what it was given
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(ROOT / "data_scripts" / script), name, "--root", "d"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"data download {passed} --root d"
    refused = subprocess.run(["bash", str(ROOT / "data_scripts" / script), "nope"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "usage:" in refused.stderr and refused.stdout == ""
