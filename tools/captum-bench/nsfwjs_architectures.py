#!/usr/bin/env python3
"""
Captum timings for the nsfwjs architectures (issue 19), to set beside `pnpm bench:real`
(benchmarks/src/real-models.ts): torchvision mobilenet_v2 (224×224) and inception_v3 (299×299,
no aux head), random weights (timing only), eval mode, float32, one 3-channel image, zero
baseline; Saliency (abs) and IntegratedGradients with 8 Gauss–Legendre steps (internal batch 8).
Seconds per attribution: the median of `--reps` runs after one warm-up run, plus the first run.

How it was run (torch 2.13.0+cpu, torchvision 0.28.0, captum 0.8.0):

    PYTHONPATH=/work/tools-captum:/work/tools-captum/shim \
        python3 tools/captum-bench/nsfwjs_architectures.py --threads 2 --out benchmarks/results/<day>-real-models-captum.json

(`tv_shim` makes a CUDA-built torchvision wheel importable on CPU torch; without that setup drop
the import.) Nothing in the repository runs this script at test time.
"""
import argparse
import json
import os
import statistics
import time

try:
    import tv_shim  # noqa: F401  (see the docstring)
except ImportError:
    pass
import torch
import torchvision
from captum.attr import IntegratedGradients, Saliency


def timed(fn, reps):
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    fn()  # warm-up
    runs = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return first, runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    nets = {
        "nsfwjs_mobilenet_v2": (torchvision.models.mobilenet_v2(num_classes=5), 224),
        "nsfwjs_inception_v3": (torchvision.models.inception_v3(num_classes=5, aux_logits=False, init_weights=False), 299),
    }
    rows = []
    for name, (net, size) in nets.items():
        net.eval()
        x = torch.rand(1, 3, size, size)
        sal = Saliency(net)
        ig = IntegratedGradients(net)
        cases = {
            "saliency": lambda: sal.attribute(x, target=0, abs=True),
            "integrated-gradients": lambda: ig.attribute(x, baselines=0 * x, target=0, n_steps=8, method="gausslegendre", internal_batch_size=8),
        }
        for method, fn in cases.items():
            first, runs = timed(fn, args.reps)
            row = {"method": method, "model": name, "batch": 1, "firstS": first, "runsS": runs, "medianS": statistics.median(runs)}
            print(json.dumps(row))
            rows.append(row)
    doc = {
        "source": f"Captum {__import__('captum').__version__} / torch {torch.__version__} CPU, {args.threads} threads, torchvision {torchvision.__version__}",
        "loadavg1mBefore": os.getloadavg()[0],
        "results": rows,
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
