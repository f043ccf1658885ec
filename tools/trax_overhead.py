#!/usr/bin/env python3
"""Measures what the TraX protocol costs: `siamtrack trax` driven over stdin/stdout vs `siamtrack track` on the
same image folder, per frame, in alternating runs.

Usage: tools/trax_overhead.py FOLDER X,Y,W,H [--model DIR] [--runs N] [--short N]
- track: `./siamtrack track FOLDER --init X,Y,W,H --quiet`; its summary's loop time (reading the images and
  tracking, JVM start and model loading excluded) divided by the frames.
- trax: this script is the client (as the VOT toolkit is): from sending `initialize` with the first image to
  receiving the last frame's `state`, divided by the frames, so it holds the image reading, the tracking, the
  messages both ways and the client's own work; JVM start and model loading are excluded here too.
- engine: the median time per frame in the tracker itself, from each command's summary, so that what the
  loops spend outside the tracker (reading images; for trax also the messages) can be told apart from a tracker
  that ran slower (a process that waits for its client between frames finds its caches taken by other load).
- CPU: the process's CPU time, all its threads, and its system part (the kernel's accounting of the finished
  child) for all the frames minus that for the first --short frames, divided by the frames between: per-frame
  CPU time with JVM start, model loading and warm-up cancelled out, less moved by other load than wall time.
tools/TraxOverhead.java measures the protocol's cost to the tracking thread inside one JVM instead.
Prints each run, and the medians and minimums with their ratios (trax / track). Compare only runs of one invocation.
"""
import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOME = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"(\d+) frames in ([0-9.]+) s.*?tracker ([0-9.]+) ms median")


def images(folder):
    files = [p for p in Path(folder).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png")]
    return sorted(files, key=lambda p: (int(re.findall(r"\d+", p.name)[-1]), p.name))


def model_args(model):
    return ["--model", model] if model else []


def children_cpu():
    """User and system CPU seconds of the finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return [usage.ru_utime, usage.ru_stime]


def used(since):
    now = children_cpu()
    return [now[0] - since[0], now[1] - since[1]]


def track_ms(folder, box, model, frames):
    """Loop wall ms per frame and the process's CPU seconds, tracking the first `frames` images."""
    cpu = children_cpu()
    run = subprocess.run([str(HOME / "siamtrack"), "track", str(folder), "--init", box, "--quiet",
                          "--max-frames", str(frames)] + model_args(model), capture_output=True, text=True, check=True)
    cpu = used(cpu)
    tracked, seconds, engine = SUMMARY.search(run.stderr).groups()
    return 1000 * float(seconds) / int(tracked), cpu, float(engine)


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def trax_ms(files, box, model):
    """Client-side wall ms per frame and the server process's CPU seconds, serving `files`."""
    cpu = children_cpu()
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([str(HOME / "siamtrack"), "trax"] + model_args(model), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)

    def message():
        while True:
            line = server.stdout.readline()
            if not line:
                sys.exit("the server ended the session")
            if line.startswith("@@TRAX:"):
                if line.startswith("@@TRAX:quit"):
                    sys.exit("the server quit: " + line)
                return line

    lines = ["@@TRAX:initialize " + quoted("file://" + str(files[0].resolve())) + " " + quoted(box) + "\n"]
    lines += ["@@TRAX:frame " + quoted("file://" + str(f.resolve())) + "\n" for f in files[1:]]
    message()  # hello
    start = time.perf_counter()
    for line in lines:
        server.stdin.write(line)
        server.stdin.flush()
        message()
    elapsed = time.perf_counter() - start
    server.stdin.write("@@TRAX:quit\n")
    server.stdin.flush()
    server.wait(timeout=30)
    log.seek(0)
    engine = float(SUMMARY.search(log.read()).group(3))
    return 1000 * elapsed / len(files), used(cpu), engine


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("box", help="X,Y,W,H on the first image")
    parser.add_argument("--model")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--short", type=int, default=10, help="frames of the short runs the CPU times subtract")
    args = parser.parse_args()
    files = images(args.folder)
    if len(files) <= args.short:
        sys.exit(f"need more than {args.short} images in {args.folder}")
    n = len(files)
    wall = {"track": [], "trax": []}
    engine = {"track": [], "trax": []}
    outside = {"track": [], "trax": []}
    cpu = {"track": [], "trax": []}
    system = {"track": [], "trax": []}
    for run in range(args.runs):
        track_wall, track_cpu, track_engine = track_ms(args.folder, args.box, args.model, n)
        _, track_short, _ = track_ms(args.folder, args.box, args.model, args.short)
        trax_wall, trax_cpu, trax_engine = trax_ms(files, args.box, args.model)
        _, trax_short, _ = trax_ms(files[:args.short], args.box, args.model)
        wall["track"].append(track_wall)
        wall["trax"].append(trax_wall)
        engine["track"].append(track_engine)
        engine["trax"].append(trax_engine)
        outside["track"].append(track_wall - track_engine)
        outside["trax"].append(trax_wall - trax_engine)
        for name, full, short in (("track", track_cpu, track_short), ("trax", trax_cpu, trax_short)):
            cpu[name].append(1000 * (sum(full) - sum(short)) / (n - args.short))
            system[name].append(1000 * (full[1] - short[1]) / (n - args.short))
        print(f"run {run + 1} ({n} frames): wall track {track_wall:.3f} / trax {trax_wall:.3f} ms per frame;"
              f" engine median track {track_engine:.3f} / trax {trax_engine:.3f};"
              f" CPU track {cpu['track'][-1]:.3f} / trax {cpu['trax'][-1]:.3f} ms per frame, of which system"
              f" {system['track'][-1]:.3f} / {system['trax'][-1]:.3f}")
    for name, values in (("wall", wall), ("engine", engine), ("wall outside the engine", outside), ("CPU", cpu),
                         ("system CPU", system)):
        for stat in (statistics.median, min):
            track, trax = stat(values["track"]), stat(values["trax"])
            print(f"{name} {stat.__name__}: track {track:.3f} ms/frame, trax {trax:.3f} ms/frame,"
                  f" ratio {trax / track:.3f}")


if __name__ == "__main__":
    main()
