"""How fast one pix2pix training step runs: D step then G step (`Pix2Pix.step`), images per second and peak memory.

    python benchmarks/pix2pix_step.py [--config reference ci] [--device cpu cuda] [--steps 10] [--warmup 2]
                                      [--batch-size N] [--amp] [--channels-last] [--against DIR]

Configurations:
    reference   the paper's: unet_256 (UNet(3, 3, 8), ngf 64, dropout) + the 70x70 PatchGAN
                PatchDiscriminator(6), 256 x 256, batch 1
    ci          the ci profile's, as lesson 03 trains it: UNet(3, 3, log2(size), ngf, no dropout) +
                PatchDiscriminator(6, ndf=ngf) (n_layers 3, the deepest that fits 32 px), the profile's
                image size and batch size

Before and after, in one run: `--against DIR` also times each row with the `i2i_course` of another checkout
(e.g. `git worktree add /tmp/before <commit>`) and prints this checkout's time over that one's (a ratio under 1:
faster now). Rows alternate between the two, so a busy machine slows both alike.

Each (configuration, device) runs in a fresh process, seeded with the course's `seed_everything(0)` (its
deterministic settings, as in the lessons), on one fixed random batch: `--warmup` steps, not timed, then
`--steps` steps, each timed on its own. The table gives the median step (and images per second from it:
robust to the hiccups of a shared machine) and the mean. Peak memory: on CUDA
torch.cuda.max_memory_allocated (tensors only); on the CPU the process's maximum resident set size
(getrusage), which includes the torch runtime itself, so the table also gives the resident size before
the nets were built. Devices default to the CPU, and CUDA when present. `Pix2Pix` uses float16
autocast on CUDA by default; without `--amp` this benchmark passes amp=False for a float32 baseline. `--amp` does
nothing on the CPU (the course has no CPU autocast).
"""

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time

import torch

from i2i_course.nets import UNet
from i2i_course.nets.discriminators import PatchDiscriminator
from i2i_course.profiles import get_profile
from i2i_course.runtime import seed_everything


def configuration(name, batch_size=None):
    """(generator, discriminator, image size, batch size) of configuration `name`."""
    if name == "reference":
        return UNet(3, 3, 8), PatchDiscriminator(6), 256, batch_size or 1
    profile = get_profile(name)
    size = profile.image_size
    generator = UNet(3, 3, int(math.log2(size)), ngf=profile.ngf, dropout=False)
    return generator, PatchDiscriminator(6, ndf=profile.ngf), size, batch_size or profile.batch_size


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(name, device, steps, warmup, batch_size, amp, channels_last):
    """Time `steps` Pix2Pix steps after `warmup` untimed ones; a dict for one row of the table."""
    start_rss = rss_mib()
    seed_everything(0)
    generator, discriminator, size, batch_size = configuration(name, batch_size)
    amp = amp and device == "cuda"
    try:
        from i2i_course.objectives import Pix2Pix  # the course since the lesson contract
    except ImportError:
        from i2i_course.pix2pix import Pix2Pix  # an older checkout, timed with --against
    model = Pix2Pix(generator, discriminator, device=device, amp=amp)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    for net in (generator, discriminator):
        net.to(memory_format=layout).train()
    x, y = (torch.rand(batch_size, 3, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1
            for seed in (1, 2))
    x, y = (t.to(device).contiguous(memory_format=layout) for t in (x, y))
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(warmup):
        model.step(x, y)
    sync()
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(steps):
        began = time.perf_counter()
        model.step(x, y)
        sync()  # the step's losses stay on the device (older code read them back itself): time the whole step
        times.append(time.perf_counter() - began)
    seconds = statistics.median(times)  # robust to a busy machine's hiccups; the mean is shown too
    peak = torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else rss_mib()
    return {"config": name, "device": device, "precision": "fp16 amp" if amp else "fp32",
            "layout": "channels_last" if channels_last else "NCHW", "batch": batch_size, "size": size,
            "ms": 1000 * seconds, "mean_ms": 1000 * statistics.mean(times), "images_s": batch_size / seconds,
            "peak_mib": peak,
            "start_mib": None if device == "cuda" else start_rss, "threads": torch.get_num_threads()}


def row(args, name, device, checkout=None):
    """One row measured in a fresh process (its own peak memory), with `checkout`'s i2i_course if given."""
    spec = json.dumps([name, device, args.steps, args.warmup, args.batch_size, args.amp, args.channels_last])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, __file__, "--row", spec], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pix2pix_step: the row {name}/{device} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", nargs="+", choices=["reference", "ci"], default=["ci", "reference"])
    parser.add_argument("--device", nargs="+", choices=["cpu", "cuda"],
                        default=["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    parser.add_argument("--steps", type=int, default=10, help="timed steps (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first (default 2)")
    parser.add_argument("--batch-size", type=int, help="instead of the configuration's")
    parser.add_argument("--amp", action="store_true", help="float16 mixed precision (CUDA)")
    parser.add_argument("--channels-last", action="store_true", help="NHWC memory layout for nets and batch")
    parser.add_argument("--against", metavar="DIR", help="another checkout: time it too, print the ratio")
    parser.add_argument("--row", help=argparse.SUPPRESS)  # internal: measure one row, print it as JSON
    args = parser.parse_args(argv)
    if args.row:
        print(json.dumps(measure(*json.loads(args.row))))
        return
    if "cuda" in args.device and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device here")
    print(f"{'code':<7} {'config':<10} {'device':<6} {'precision':<9} {'layout':<13} {'batch':>5} {'size':>5} "
          f"{'ms/step':>9} {'mean ms':>9} {'images/s':>9} {'peak MiB':>9} {'start MiB':>9} threads")
    for name in args.config:
        for device in args.device:
            timed = [("before", row(args, name, device, args.against))] if args.against else []
            timed.append(("now", row(args, name, device)))
            for code, r in timed:
                start = "-" if r["start_mib"] is None else f"{r['start_mib']:.0f}"
                print(f"{code:<7} {r['config']:<10} {r['device']:<6} {r['precision']:<9} {r['layout']:<13} "
                      f"{r['batch']:>5} {r['size']:>5} {r['ms']:>9.1f} {r['mean_ms']:>9.1f} {r['images_s']:>9.2f} "
                      f"{r['peak_mib']:>9.0f} {start:>9} {r['threads']:>7}", flush=True)
            if args.against:
                print(f"{'':<7} {name} on {device}: now / before = {timed[1][1]['ms'] / timed[0][1]['ms']:.2f} "
                      "(median step)", flush=True)
    print(f"{args.steps} timed steps after {args.warmup} warm-up; ms/step: the median step (images/s from it)\n"
          "peak MiB: CUDA max_memory_allocated; CPU the process's maximum resident set size (start MiB: before "
          "the nets were built)")


if __name__ == "__main__":
    main()
