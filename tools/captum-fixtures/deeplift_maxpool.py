#!/usr/bin/env python3
"""
Captum 0.8 DeepLift / DeepLiftShap figures on small max-pooling CNNs, with random non-zero
baselines, for @glasswing/core's DeepLIFT max-pool rule (Captum's cross-maximum routing).

How it was run (torch 2.13.0 CPU, captum 0.8.0, onnx 1.23, numpy 2.4):

    PYTHONPATH=/work/tools-captum:/work/tools-captum/shim python3 tools/captum-fixtures/deeplift_maxpool.py

(/work/tools-captum is a checkout of Captum 0.8.0; `shim` only makes a CUDA-built torchvision
importable on CPU torch, and is not needed here.) Tests never run this script: they read what it
writes, all small files:

    packages/core/test/fixtures/deeplift_maxpool/<model>.json        inputs, baselines, targets,
        float32 outputs and Captum's attributions / convergence deltas (float64)
    packages/core/test/fixtures/deeplift_maxpool/<model>.graph.json  the model as glasswing-graph v1
    packages/onnx/test/fixtures/deeplift_maxpool/<model>.onnx        torch.onnx.export(dynamo=False)

Models (weights rounded to float32; Captum runs in float64 on those exact values):
  cnn2d          Conv → MaxPool(2, s2, ceil) → Conv → ReLU → Conv1×1 → MaxPool(2, s2, pad 1) → Linear → ReLU → Linear
  cnn2d_overlap  the same with the second pool MaxPool(3, s2, pad 1) (overlapping windows)
  cnn1d          Conv1d → MaxPool1d(2, s2) → Conv1d → ReLU → Conv1d 1×1 → MaxPool1d(3, s3, pad 1) → Linear;
                 its graph / ONNX twin is 2-D with height 1 (the importer takes 2-D pools), and
                 Captum runs on the real nn.MaxPool1d model.

Two facts about Captum 0.8 shape the models (both checked and recorded below):
  * Its hooks drop a rule when two non-linear modules are adjacent (ReLU → MaxPool), so its own
    figures then break summation-to-delta: here every ReLU / MaxPool is fed and read by a linear module.
  * Its `maxpool` rule scatters with max_unpool, which OVERWRITES when overlapping windows share
    a winner (its delta is then non-zero). For cnn2d_overlap the figures are Captum's code run with
    torch.nn.functional.max_unpool2d replaced by the accumulating scatter (scatter_add) — the rule
    as its formula states; the as-is figures' largest |delta| is recorded as `captum_as_is_max_abs_delta`.
Inputs and baselines are drawn until every pool window's top two values and every ReLU input are
at least MARGIN apart / away from 0, so float32 and float64 make the same discrete choices.
"""
import base64
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import captum
from captum.attr import DeepLift, DeepLiftShap

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CORE_OUT = os.path.join(ROOT, 'packages', 'core', 'test', 'fixtures', 'deeplift_maxpool')
ONNX_OUT = os.path.join(ROOT, 'packages', 'onnx', 'test', 'fixtures', 'deeplift_maxpool')
N_INPUTS = 3
N_SHAP_BASELINES = 3
MARGIN = 1e-5


class Cnn2d(nn.Module):
    def __init__(self, overlap: bool):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 3, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.conv2 = nn.Conv2d(3, 4, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv3 = nn.Conv2d(4, 4, 1)
        self.pool2 = nn.MaxPool2d(3, stride=2, padding=1) if overlap else nn.MaxPool2d(2, stride=2, padding=1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(4 * 3 * 3, 16)
        self.relu2 = nn.ReLU()
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = self.pool1(self.conv1(x))
        x = self.pool2(self.conv3(self.relu1(self.conv2(x))))
        return self.fc2(self.relu2(self.fc1(self.flatten(x))))


class Cnn1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(2, 3, 3, padding=1)
        self.pool1 = nn.MaxPool1d(2, stride=2)
        self.conv2 = nn.Conv1d(3, 4, 3)
        self.relu1 = nn.ReLU()
        self.conv3 = nn.Conv1d(4, 4, 1)
        self.pool2 = nn.MaxPool1d(3, stride=3, padding=1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(4 * 2, 3)

    def forward(self, x):
        x = self.pool1(self.conv1(x))
        x = self.pool2(self.conv3(self.relu1(self.conv2(x))))
        return self.fc(self.flatten(x))


class Cnn1dAs2d(nn.Module):
    """cnn1d on [N, C, 1, L]: the same function with 2-D modules of height 1."""

    def __init__(self, m: Cnn1d):
        super().__init__()
        def conv(c: nn.Conv1d) -> nn.Conv2d:
            out = nn.Conv2d(c.in_channels, c.out_channels, (1, c.kernel_size[0]), padding=(0, c.padding[0]))
            out.weight.data = c.weight.data.unsqueeze(2).clone()
            out.bias.data = c.bias.data.clone()
            return out
        def pool(p: nn.MaxPool1d) -> nn.MaxPool2d:
            return nn.MaxPool2d((1, p.kernel_size), stride=(1, p.stride), padding=(0, p.padding), ceil_mode=p.ceil_mode)
        self.conv1, self.pool1, self.conv2, self.relu1 = conv(m.conv1), pool(m.pool1), conv(m.conv2), nn.ReLU()
        self.conv3, self.pool2, self.flatten, self.fc = conv(m.conv3), pool(m.pool2), nn.Flatten(), m.fc

    def forward(self, x):
        x = self.pool1(self.conv1(x))
        x = self.pool2(self.conv3(self.relu1(self.conv2(x))))
        return self.fc(self.flatten(x))


def round_to_f32(m: nn.Module) -> None:
    for p in m.parameters():
        p.data = p.data.float()


def accumulating_unpool2d(inp, indices, kernel_size, stride=None, padding=0, output_size=None):
    """max_unpool2d with scatter-add instead of assignment (same signature as Captum calls it)."""
    n, c = inp.shape[:2]
    h, w = output_size[-2], output_size[-1]
    out = torch.zeros(n, c, h * w, dtype=inp.dtype)
    out.scatter_add_(2, indices.reshape(n, c, -1), inp.reshape(n, c, -1))
    return out.reshape(n, c, h, w)


def discrete_margins(model: nn.Module, xs: torch.Tensor) -> float:
    """Smallest gap between a pool window's two largest values, and smallest |ReLU input|."""
    gaps = []

    def pool_hook(mod, inp, _out):
        v = inp[0]
        if isinstance(mod, nn.MaxPool1d):
            v = v.unsqueeze(2)
            k, s, p = (1, mod.kernel_size), (1, mod.stride), (0, mod.padding)
        else:
            k, s, p = mod.kernel_size, mod.stride, mod.padding
            k = (k, k) if isinstance(k, int) else k
            s = (s, s) if isinstance(s, int) else s
            p = (p, p) if isinstance(p, int) else p
        # -inf padding (never wins), extended at the end for ceil mode.
        v = F.pad(v, (p[1], p[1] + k[1], p[0], p[0] + k[0]), value=-float('inf'))
        top2 = torch.topk(F.unfold(v, k, stride=s).reshape(v.shape[0], v.shape[1], k[0] * k[1], -1), 2, dim=2).values
        finite = torch.isfinite(top2[:, :, 1])
        if finite.any():
            gaps.append((top2[:, :, 0] - top2[:, :, 1])[finite].min().item())

    def relu_hook(_mod, inp, _out):
        gaps.append(inp[0].abs().min().item())

    hs = [m.register_forward_hook(pool_hook) for m in model.modules() if isinstance(m, (nn.MaxPool1d, nn.MaxPool2d))]
    hs += [m.register_forward_hook(relu_hook) for m in model.modules() if isinstance(m, nn.ReLU)]
    with torch.no_grad():
        model(xs)
    for h in hs:
        h.remove()
    return min(gaps)


def b64(t: torch.Tensor) -> str:
    return base64.b64encode(t.detach().float().numpy().astype('<f4').tobytes()).decode('ascii')


def graph_json(name: str, m: nn.Module, input_shape: list, note: str) -> dict:
    """glasswing-graph v1 of the NCHW 2-D module chain (Conv2d / MaxPool2d / ReLU / Flatten / Linear)."""
    nodes, inits, prev = [], {}, 'input'
    for mod_name, mod in m.named_children():
        out = f'{mod_name}_out'
        if isinstance(mod, nn.Conv2d):
            inits[f'{mod_name}.weight'] = {'shape': list(mod.weight.shape), 'base64': b64(mod.weight)}
            inits[f'{mod_name}.bias'] = {'shape': list(mod.bias.shape), 'base64': b64(mod.bias)}
            ph, pw = mod.padding
            attrs = {'kernel_shape': list(mod.kernel_size), 'strides': list(mod.stride), 'pads': [ph, pw, ph, pw]}
            nodes.append({'name': mod_name, 'op': 'Conv', 'inputs': [prev, f'{mod_name}.weight', f'{mod_name}.bias'], 'outputs': [out], 'attrs': attrs})
        elif isinstance(mod, nn.MaxPool2d):
            pair = lambda v: list(v) if isinstance(v, tuple) else [v, v]
            k, s, p = pair(mod.kernel_size), pair(mod.stride), pair(mod.padding)
            attrs = {'kernel_shape': k, 'strides': s, 'pads': [p[0], p[1], p[0], p[1]], 'ceil_mode': int(mod.ceil_mode)}
            nodes.append({'name': mod_name, 'op': 'MaxPool', 'inputs': [prev], 'outputs': [out], 'attrs': attrs})
        elif isinstance(mod, nn.ReLU):
            nodes.append({'name': mod_name, 'op': 'Relu', 'inputs': [prev], 'outputs': [out], 'attrs': {}})
        elif isinstance(mod, nn.Flatten):
            nodes.append({'name': mod_name, 'op': 'Flatten', 'inputs': [prev], 'outputs': [out], 'attrs': {'axis': 1}})
        elif isinstance(mod, nn.Linear):
            inits[f'{mod_name}.weight'] = {'shape': list(mod.weight.shape), 'base64': b64(mod.weight)}
            inits[f'{mod_name}.bias'] = {'shape': list(mod.bias.shape), 'base64': b64(mod.bias)}
            nodes.append({'name': mod_name, 'op': 'Gemm', 'inputs': [prev, f'{mod_name}.weight', f'{mod_name}.bias'], 'outputs': [out], 'attrs': {'transB': 1}})
        else:
            raise TypeError(f'unexpected module {mod_name}: {type(mod).__name__}')
        prev = out
    nodes[-1]['outputs'] = ['output']
    return {
        'format': 'glasswing-graph',
        'version': 1,
        'name': name,
        'inputs': [{'name': 'input', 'shape': [-1, *input_shape]}],
        'outputs': ['output'],
        'nodes': nodes,
        'initializers': inits,
        'metadata': {'source': note, 'importer': 'tools/captum-fixtures/deeplift_maxpool.py'},
    }


def rows(t: torch.Tensor) -> list:
    return t.detach().reshape(t.shape[0], -1).double().tolist()


def captum_figures(model64: nn.Module, x: torch.Tensor, base: torch.Tensor, shap_base: torch.Tensor, targets: list) -> dict:
    dl, dl_delta = DeepLift(model64).attribute(x, base, target=targets, return_convergence_delta=True)
    ds, ds_delta = DeepLiftShap(model64).attribute(x, shap_base, target=targets, return_convergence_delta=True)
    with torch.no_grad():
        fx, fb, fs = model64(x), model64(base), model64(shap_base)
    # Captum's DeepLiftShap deltas: one per (example, baseline) pair, example-major.
    return {
        'deeplift': {'attributions': rows(dl), 'delta': dl_delta.tolist()},
        'deeplift_shap': {'attributions': rows(ds), 'delta_per_pair': ds_delta.reshape(len(targets), -1).tolist()},
        'outputs_float64': {'inputs': fx.tolist(), 'baselines': fb.tolist(), 'shap_baselines': fs.tolist()},
    }


def build(name: str, seed: int):
    torch.manual_seed(seed)
    if name == 'cnn1d':
        m = Cnn1d()
        shape = [2, 16]
    else:
        m = Cnn2d(overlap=name == 'cnn2d_overlap')
        shape = [1, 9, 9]
    round_to_f32(m)
    return m.eval(), shape


def draw(m64: nn.Module, shape: list, seed: int):
    g = torch.Generator().manual_seed(seed)
    for attempt in range(1000):
        x = torch.randn(N_INPUTS, *shape, generator=g).float().double()
        base = (0.8 * torch.randn(N_INPUTS, *shape, generator=g) + 0.3).float().double()
        shap_base = (0.8 * torch.randn(N_SHAP_BASELINES, *shape, generator=g) - 0.2).float().double()
        if discrete_margins(m64, torch.cat([x, base, shap_base])) >= MARGIN:
            return x, base, shap_base, attempt
    raise RuntimeError('no draw with clear margins')


def main() -> None:
    assert captum.__version__ == '0.8.0', captum.__version__
    os.makedirs(CORE_OUT, exist_ok=True)
    os.makedirs(ONNX_OUT, exist_ok=True)
    for i, name in enumerate(['cnn2d', 'cnn2d_overlap', 'cnn1d']):
        m32, shape = build(name, 100 + i)
        m64 = build(name, 100 + i)[0].double()
        x, base, shap_base, attempts = draw(m64, shape, 200 + i)
        targets = [j % 3 for j in range(N_INPUTS)]
        record = {
            'model': name,
            'captum': captum.__version__,
            'torch': torch.__version__,
            'input_shape': shape if name != 'cnn1d' else [shape[0], 1, shape[1]],
            'captum_input_shape': shape,
            'targets': targets,
            'inputs': rows(x),
            'baselines': rows(base),
            'shap_baselines': rows(shap_base),
            'margin': MARGIN,
            'draws_rejected': attempts,
        }
        if name == 'cnn2d_overlap':
            as_is = captum_figures(m64, x, base, shap_base, targets)
            record['captum_as_is_max_abs_delta'] = {
                'deeplift': max(abs(d) for d in as_is['deeplift']['delta']),
                'deeplift_shap': max(abs(d) for r in as_is['deeplift_shap']['delta_per_pair'] for d in r),
            }
            original = F.max_unpool2d
            F.max_unpool2d = accumulating_unpool2d
            try:
                figs = captum_figures(m64, x, base, shap_base, targets)
            finally:
                F.max_unpool2d = original
            record['unpool'] = 'accumulating: torch.nn.functional.max_unpool2d replaced by scatter_add while Captum ran'
        else:
            figs = captum_figures(m64, x, base, shap_base, targets)
            record['unpool'] = 'Captum 0.8 as is (max_unpool)'
        record.update(figs)
        worst = max(abs(d) for d in figs['deeplift']['delta'])
        worst = max(worst, max(abs(d) for r in figs['deeplift_shap']['delta_per_pair'] for d in r))
        assert worst < 1e-9, f'{name}: Captum convergence delta {worst}'
        # float32 outputs of the exported function (what the graph / ONNX files must reproduce).
        export = Cnn1dAs2d(m32).eval() if name == 'cnn1d' else m32
        xin = x.float().reshape(N_INPUTS, *record['input_shape'])
        with torch.no_grad():
            y32 = export(xin)
            assert torch.allclose(y32.double(), m64(x), atol=1e-5), f'{name}: 2-D twin differs'
        record['outputs_float32'] = y32.tolist()
        note = f'tools/captum-fixtures/deeplift_maxpool.py model {name} (PyTorch layout NCHW)'
        with open(os.path.join(CORE_OUT, f'{name}.json'), 'w') as f:
            json.dump(record, f, indent=1)
            f.write('\n')
        with open(os.path.join(CORE_OUT, f'{name}.graph.json'), 'w') as f:
            json.dump(graph_json(name, export, record['input_shape'], note), f, indent=1)
            f.write('\n')
        torch.onnx.export(
            export,
            (xin[:1],),
            os.path.join(ONNX_OUT, f'{name}.onnx'),
            dynamo=False,
            opset_version=13,
            input_names=['input'],
            output_names=['output'],
            dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}},
        )
        print(f'{name}: rejected draws {attempts}, max |Captum delta| {worst:.2e}', record.get('captum_as_is_max_abs_delta', ''))
    return None


if __name__ == '__main__':
    sys.exit(main())
