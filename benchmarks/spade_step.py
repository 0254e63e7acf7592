"""How much one lesson-06 training step costs, next to lesson 03's pix2pix step, at one profile, in one run.

    python benchmarks/spade_step.py [--profile ci] [--steps 20] [--warmup 3]

Each generator of lesson 06 (the constancy-preserving encoder-decoder, its concat ablation, SPADE, and SPADE with
pix2pixHD's two-scale discriminator and feature matching) is built as `l06_spade` builds it at the profile, and
timed on one fixed batch of the lesson's task: `--warmup` untimed steps, then `--steps` timed ones. The table
gives the median step and its ratio to lesson 03's step (the U-Net + 16x16 PatchGAN, as `l03_patchgan` trains
it), measured in the same run: ratios, not seconds, are what carry over to another machine. Used to size the
`ci` variants so that `i2i-course tour --profile ci --lessons 06` stays within a minute on 2 CPU cores.
"""

import argparse
import math
import statistics
import time

import torch

from i2i_course.experiments import l06_spade
from i2i_course.losses import l1_loss
from i2i_course.nets import UNet
from i2i_course.nets.discriminators import PatchDiscriminator
from i2i_course.nets.pix2pixhd import MultiscaleDiscriminator
from i2i_course.objectives import Pix2Pix, Pix2PixHD, Regression
from i2i_course.profiles import get_profile
from i2i_course.runtime import seed_everything


def objectives(profile):
    """{name: (objective, uses the one-hot map)} for every configuration timed."""
    size, classes = profile.image_size, 6
    made = {"lesson 03 pix2pix step": (Pix2Pix(UNet(3, 3, int(math.log2(size)), ngf=profile.ngf, dropout=False),
                                               PatchDiscriminator(6, ndf=profile.ndf, n_layers=1), device="cpu"),
                                       False)}
    for kind in ("encoder-decoder", "concat", "spade"):
        net = l06_spade.build_generator(profile, kind)
        made[f"{kind}, L1"] = (Regression(net, l1_loss, device="cpu"), True)
    net = l06_spade.build_generator(profile, "spade")
    discriminator = MultiscaleDiscriminator(classes + 3, ndf=profile.ndf, n_layers=3, num_d=l06_spade.NUM_D)
    made["spade + multi-scale D + FM"] = (Pix2PixHD(net, discriminator, lambda_l1=10.0, device="cpu"), True)
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    profile = get_profile(args.profile)
    seed_everything(0, deterministic=True)
    task = l06_spade.task_for(profile)
    batch = task.sample(profile.batch_size, torch.Generator().manual_seed(0))
    rgb_labels = task.show_input(batch.x)
    rows = []
    for name, (objective, one_hot) in objectives(profile).items():
        x = batch.x if one_hot else rgb_labels
        times = []
        for number in range(args.warmup + args.steps):
            start = time.perf_counter()
            objective.step(x, batch.y)
            if number >= args.warmup:
                times.append(time.perf_counter() - start)
        rows.append((name, statistics.median(times)))
    base = rows[0][1]
    print(f"profile {profile.name}: {profile.image_size} px, batch {profile.batch_size}, {torch.get_num_threads()} threads")
    print(f"{'configuration':<30} {'median step':>12} {'x lesson 03':>12} {'steps/run (s)':>14}")
    for name, seconds in rows:
        print(f"{name:<30} {seconds * 1000:>9.1f} ms {seconds / base:>11.2f}x {seconds * profile.steps:>13.1f}")


if __name__ == "__main__":
    main()
