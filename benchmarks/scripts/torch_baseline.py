"""
A Captum-equivalent CPU baseline for the real layouts at any input size (issue 15), measured with
plain torch autograd on the same machine, in the same window as the Glasswing rows it is compared
with (this VM's speed drifts by 20-25 % over hours: compare side by side, never across days).

Captum 0.8 is not installable here; its Saliency and IntegratedGradients are thin loops over torch
autograd, reproduced exactly in cost: Saliency = one forward + one input-gradient backward of the
target's logit, |grad|; IG = 50 Gauss-Legendre points on the straight path from a zero baseline,
forwarded and back-propagated `internal_batch_size` rows at a time (Captum's loop), then the weighted
sum times (x - baseline), with the model's parameters requiring gradients as they do in a user's
model (`--frozen` turns that off) and all rows in one pass unless `--internal-batch` says otherwise
(Captum's `internal_batch_size=None`). Calibration: run at 64x64 and compare with the Captum 0.8 figures quoted in
issue 15 (ResNet-18 Saliency 218, IG 3.5 ex/s; MobileNetV2 Saliency 225, IG 4.1 ex/s, batch 8).

  python3 benchmarks/scripts/torch_baseline.py --size 224 --batch 8 [--reps 3] [--internal-batch 50] [--frozen]

Prints one JSON line per (model, method): examples per second, median of the repetitions.
Needs torch + torchvision (CPU); used by hand, never by tests or CI.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch

# The local wheel of torchvision ships C++ ops built for another torch build: registering their fake
# kernels fails at import. Only the model definitions are used here, so skip those registrations.
_register_fake = torch.library.register_fake
torch.library.register_fake = lambda *a, **k: (lambda f: f)
import torchvision  # noqa: E402
torch.library.register_fake = _register_fake


def gauss_legendre(n):
    # Captum's 'gausslegendre': numpy's leggauss points mapped from [-1, 1] to [0, 1].
    x, w = np.polynomial.legendre.leggauss(n)
    return [float(v) for v in 0.5 * x + 0.5], [float(v) for v in 0.5 * w]


def saliency(model, x, target):
    x = x.clone().requires_grad_(True)
    out = model(x)
    grad, = torch.autograd.grad(out[torch.arange(len(x)), target].sum(), x)
    return grad.abs()


def integrated_gradients(model, x, target, steps, internal_batch):
    alphas, weights = gauss_legendre(steps)
    n = len(x)
    # Captum's row order: step-major ([alpha_0 × all examples, alpha_1 × all, ...]).
    rows = [(a, i) for a in range(steps) for i in range(n)]
    total = torch.zeros_like(x)
    for s in range(0, len(rows), internal_batch):
        chunk = rows[s:s + internal_batch]
        a = torch.tensor([alphas[k] for k, _ in chunk]).view(-1, 1, 1, 1)
        idx = torch.tensor([i for _, i in chunk])
        pts = (a * x[idx]).requires_grad_(True)
        out = model(pts)
        grad, = torch.autograd.grad(out[torch.arange(len(chunk)), target[idx]].sum(), pts)
        w = torch.tensor([weights[k] for k, _ in chunk]).view(-1, 1, 1, 1)
        total.index_add_(0, idx, grad * w)
    return total * x


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--steps', type=int, default=50)
    p.add_argument('--internal-batch', type=int, default=0, help="rows per forward/backward; 0 = all (Captum's default, internal_batch_size=None)")
    p.add_argument('--frozen', action='store_true', help='parameters without requires_grad (Captum users rarely do this)')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--models', default='resnet18,mobilenet_v2')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name in args.models.split(','):
        model = getattr(torchvision.models, name)(weights=None).eval()
        for prm in model.parameters():
            prm.requires_grad_(not args.frozen)
        x = torch.rand(args.batch, 3, args.size, args.size)
        target = torch.arange(args.batch) % 1000
        runs = {
            'saliency': lambda: saliency(model, x, target),
            'integrated-gradients': lambda: integrated_gradients(model, x, target, args.steps, args.internal_batch or args.steps * args.batch),
        }
        for method, fn in runs.items():
            fn()  # warm-up
            times = []
            for _ in range(args.reps):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            med = statistics.median(times)
            print(json.dumps({'model': f'{name}_{args.size}', 'method': method, 'batch': args.batch, 'threads': args.threads,
                              'internalBatch': (args.internal_batch or None) if method != 'saliency' else None, 'frozen': args.frozen, 'torch': torch.__version__,
                              'seconds': [round(t, 4) for t in times], 'examplesPerSec': round(args.batch / med, 3)}), flush=True)


if __name__ == '__main__':
    main()
