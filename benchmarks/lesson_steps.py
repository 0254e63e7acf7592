"""Where a lesson's training time goes: ms per step, and its shares spent waiting for data, computing and
syncing (reading losses back), per lesson and per profile, measured with torch.profiler.

    python benchmarks/lesson_steps.py [--lessons 01 02 03] [--profiles ci cpu] [--steps 60]

Each lesson's `train_variant(profile, steps=...)` (its default variant) runs once untimed (warm-up: first
calls, cuDNN autotuning where the profile allows it) and once under the profiler. The training loop
(`training.run_steps`) marks each step's three parts with named ranges: `i2i.data` (drawing the next batch
and moving it to the device), `i2i.step` (the objective's forward, backward and optimiser steps) and
`i2i.readback` (every READBACK_EVERY steps: the losses read back, one sync per device). On a GPU the step's
kernels run asynchronously, so time the CPU spends in `i2i.step` is launch time, and the waiting shows up
where the CPU syncs: in `i2i.readback`, or in any `.item()` inside a step (counted on a GPU: `syncs/100
steps` is the number of cudaStreamSynchronize and cudaDeviceSynchronize calls per 100 steps; the course's
objectives make none inside a step, tests/test_training.py asserts it). On the CPU nothing runs
asynchronously, so there is no sync to count (`-`): `readbacks` says how many times the losses were read. `outside` is the rest of `train_variant`'s time: building the task
and the nets, and evaluating the trained variant.
"""

import argparse
import time

import torch
from torch.profiler import ProfilerActivity
from torch.profiler import profile as profiling

from i2i_course.experiments import LESSONS
from i2i_course.profiles import PROFILES, get_profile

SYNC_EVENTS = ("cudaStreamSynchronize", "cudaDeviceSynchronize")


def measure(lesson, profile_name, steps):
    """One row: {lesson, profile, device, ms per step, shares of data/compute/sync, syncs per 100 steps, ...}."""
    module = LESSONS[lesson]
    profile = get_profile(profile_name)
    steps = min(steps, profile.steps)
    module.train_variant(profile, steps=max(2, steps // 10), progress=False)  # warm-up
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if torch.cuda.is_available() else [])
    began = time.perf_counter()
    with profiling(activities=activities) as profiler:
        module.train_variant(profile, steps=steps, progress=False)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    wall = time.perf_counter() - began
    events = {event.key: event for event in profiler.key_averages()}
    seconds = {part: events[f"i2i.{part}"].cpu_time_total / 1e6 if f"i2i.{part}" in events else 0.0
               for part in ("data", "step", "readback")}
    loop = sum(seconds.values())
    syncs = sum(events[name].count for name in SYNC_EVENTS if name in events) if torch.cuda.is_available() else None
    readbacks = events["i2i.readback"].count if "i2i.readback" in events else 0
    return {"lesson": lesson, "profile": profile_name, "device": "cuda" if torch.cuda.is_available() else "cpu",
            "steps": steps, "ms_step": 1000 * loop / steps,
            "data": seconds["data"] / loop, "compute": seconds["step"] / loop, "sync": seconds["readback"] / loop,
            "syncs_100": None if syncs is None else 100 * syncs / steps, "readbacks": readbacks, "outside_s": wall - loop, "wall_s": wall}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="+", choices=sorted(LESSONS), default=sorted(LESSONS))
    parser.add_argument("--profiles", nargs="+", choices=sorted(PROFILES), default=["ci", "cpu"])
    parser.add_argument("--steps", type=int, default=60, help="profiled steps per lesson (at most the profile's)")
    args = parser.parse_args(argv)
    print(f"{'lesson':<6} {'profile':<7} {'device':<6} {'steps':>5} {'ms/step':>8} {'data':>6} {'compute':>8} "
          f"{'sync':>6} {'syncs/100 steps':>15} {'readbacks':>9} {'outside s':>9} {'wall s':>7}", flush=True)
    for profile_name in args.profiles:
        for lesson in args.lessons:
            r = measure(lesson, profile_name, args.steps)
            print(f"{r['lesson']:<6} {r['profile']:<7} {r['device']:<6} {r['steps']:>5} {r['ms_step']:>8.1f} "
                  f"{r['data']:>6.0%} {r['compute']:>8.0%} {r['sync']:>6.0%} "
                  f"{'-' if r['syncs_100'] is None else format(r['syncs_100'], '.1f'):>15} {r['readbacks']:>9} "
                  f"{r['outside_s']:>9.1f} {r['wall_s']:>7.1f}", flush=True)
    print("data / compute / sync: shares of the training loop's time (CPU-side; see the docstring for GPUs); "
          "outside: building and evaluating, outside the loop")


if __name__ == "__main__":
    main()
