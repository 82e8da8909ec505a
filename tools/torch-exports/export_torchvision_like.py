#!/usr/bin/env python3
"""
ONNX exports of torchvision's real ResNet and MobileNetV2 classes (narrowed so the files stay
small) and Captum's LayerActivation / LayerGradCam on PyTorch module names, for the tests of
module-path layer names in @glasswing/onnx and @glasswing/cli.

How it was run (torch 2.13.0+cpu, torchvision 0.28.0, captum 0.8.0, onnx 1.23):

    PYTHONPATH=/work/tools-captum:/work/tools-captum/shim \
        python3 tools/torch-exports/export_torchvision_like.py

(`tv_shim` makes a CUDA-built torchvision wheel importable on CPU torch; without that setup drop
the import.) Nothing in the repository runs this script at test time; it writes, into
packages/onnx/test/fixtures/torchvision/:

    resnet_tv.onnx, resnet_tv.captum.json
    mobilenet_v2_tv.onnx, mobilenet_v2_tv.captum.json

The models are torchvision's own classes, so module names are exactly torchvision's:
  - ResNet(BasicBlock, [1, 2, 1, 1]) with every width divided by 8 (conv3x3/conv1x1 and the
    norm layer narrowed while the constructor runs; the stem conv and fc replaced by narrow
    ones under the same names), i.e. resnet18's structure with fewer blocks;
  - mobilenet_v2(width_mult=0.25) (all 19 `features` entries) with features.18 and
    classifier.1 rebuilt narrower (128 instead of 1280 channels) under the same names.
Weights and BatchNorm statistics are random (seeded), so folding a BatchNorm into its Conv
changes values. Export: torch.onnx.export(model.eval(), x, dynamo=False, opset_version=17) with a
dynamic batch (TorchScript exporter: BatchNorm folded into the preceding Conv, Dropout removed).

Captum runs in float64 on a float64 copy of the model (the reference), on the float32 input
described in the JSON (a formula of the flat index). For a module whose BatchNorm the exporter folded
into it (`conv1` <- `bn1`), the ONNX node carries the BatchNorm's output, so its record is
Captum's value on that BatchNorm module (`captumModule`); every record names the module Captum
hooked.
"""
import copy
import json
import os
import sys

import tv_shim  # noqa: F401  (see the header)
import torch
import torchvision
import captum
from captum.attr import LayerActivation, LayerGradCam
from torch import nn
from torchvision.models import resnet as tv_resnet
from torchvision.models.mobilenetv2 import MobileNetV2
from torchvision.ops.misc import Conv2dNormActivation

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'onnx', 'test', 'fixtures', 'torchvision')
SIZE = 64
N = 2
TARGETS = [3, 7]


def small(c):
    return c if c <= 3 else c // 8


def build_resnet():
    conv3x3, conv1x1 = tv_resnet.conv3x3, tv_resnet.conv1x1
    tv_resnet.conv3x3 = lambda i, o, stride=1, groups=1, dilation=1: conv3x3(small(i), small(o), stride, groups, dilation)
    tv_resnet.conv1x1 = lambda i, o, stride=1: conv1x1(small(i), small(o), stride)
    try:
        model = tv_resnet.ResNet(tv_resnet.BasicBlock, [1, 2, 1, 1], num_classes=10, norm_layer=lambda c: nn.BatchNorm2d(small(c)))
    finally:
        tv_resnet.conv3x3, tv_resnet.conv1x1 = conv3x3, conv1x1
    model.conv1 = nn.Conv2d(3, small(64), kernel_size=7, stride=2, padding=3, bias=False)
    model.fc = nn.Linear(small(512), 10)
    return model


def build_mobilenet():
    model = MobileNetV2(num_classes=10, width_mult=0.25)
    last_in = model.features[17].out_channels
    model.features[18] = Conv2dNormActivation(last_in, 128, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6)
    model.classifier[1] = nn.Linear(128, 10)
    return model


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('weight') and p.dim() > 1:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            elif name.endswith('weight'):  # BatchNorm gamma
                p.copy_(0.5 + torch.rand(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(0.3 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=g))
    return model.eval()


def module(model, path):
    m = model
    for part in path.split('.'):
        m = m[int(part)] if part.isdigit() else getattr(m, part)
    return m


def flat(t):
    return [float(f'{v:.8g}') for v in t.detach().reshape(-1).tolist()]


def record(t):
    return {'shape': list(t.shape), 'data': flat(t)}


def input_tensor(seed):
    """A deterministic input any language reproduces exactly (integers, one division, float32)."""
    k = torch.arange(N * 3 * SIZE * SIZE, dtype=torch.int64)
    x = (((k * 7919 + seed) % 2003) - 1001).double() / 500
    return x.float().reshape(N, 3, SIZE, SIZE)


def export(name, model, activations, gradcams, seed):
    os.makedirs(OUT, exist_ok=True)
    x32 = input_tensor(seed)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(
        model, x32, path, dynamo=False, opset_version=17,
        input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
    )
    ref = copy.deepcopy(model).double().eval()
    x = x32.double()
    out = {
        'about': f'Captum {captum.__version__} LayerActivation / LayerGradCam on torchvision module names of {name}.onnx '
                 '(float64 reference model; input from the formula)',
        'generator': 'tools/torch-exports/export_torchvision_like.py',
        'versions': {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'captum': captum.__version__},
        'model': f'{name}.onnx',
        'input': {'shape': list(x32.shape), 'seed': seed, 'formula': f'x[k] = float32((((k * 7919 + {seed}) % 2003) - 1001) / 500), k = flat index'},
        'target': TARGETS,
        'outputs': record(ref(x)),
        'layerActivation': [],
        'layerGradCam': [],
    }
    for layer, hooked in activations:
        a = LayerActivation(ref, module(ref, hooked)).attribute(x)
        out['layerActivation'].append({'layer': layer, 'captumModule': hooked, **record(a)})
    for layer, hooked in gradcams:
        a = LayerGradCam(ref, module(ref, hooked)).attribute(x, target=TARGETS)
        out['layerGradCam'].append({'layer': layer, 'captumModule': hooked, 'reluAttributions': False, **record(a)})
    with open(os.path.join(OUT, f'{name}.captum.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {path} ({os.path.getsize(path)} bytes) and {name}.captum.json', file=sys.stderr)


def main():
    torch.manual_seed(0)
    resnet = randomise(build_resnet(), 1)
    export(
        'resnet_tv', resnet,
        activations=[
            ('layer4', 'layer4'),                          # container (stage)
            ('layer2.1', 'layer2.1'),                      # BasicBlock: ReLU after the residual Add
            ('layer2.0.downsample', 'layer2.0.downsample'),  # Sequential ending in a folded BatchNorm
            ('maxpool', 'maxpool'),                        # leaf
            ('layer1.0.relu', 'layer1.0.relu'),            # leaf called twice: Captum keeps the last call
            ('avgpool', 'avgpool'),
            ('fc', 'fc'),
            ('layer2.1.conv2', 'layer2.1.bn2'),            # nested leaf, bn2 folded in
        ],
        gradcams=[
            ('layer4', 'layer4'),
            ('layer2.1', 'layer2.1'),
            ('layer3.0.conv2', 'layer3.0.bn2'),
            ('conv1', 'bn1'),                              # bn1 folded into conv1's node
            ('relu', 'relu'),
            ('layer1.0.relu', 'layer1.0.relu'),
        ],
        seed=11,
    )
    mobilenet = randomise(build_mobilenet(), 2)
    export(
        'mobilenet_v2_tv', mobilenet,
        activations=[
            ('features.18', 'features.18'),                # Conv2dNormActivation: its ReLU6 (Clip)
            ('features', 'features'),
            ('features.3', 'features.3'),                  # InvertedResidual with residual: the Add
            ('features.4', 'features.4'),                  # InvertedResidual without residual
            ('features.14.conv', 'features.14.conv'),      # Sequential ending in a folded BatchNorm
            ('features.14.conv.0.2', 'features.14.conv.0.2'),  # ReLU6 leaf
            ('features.13.conv.1.0', 'features.13.conv.1.1'),  # depthwise conv, its BatchNorm folded in
            ('classifier', 'classifier'),
            ('classifier.1', 'classifier.1'),
        ],
        gradcams=[
            ('features.18', 'features.18'),
            ('features.3', 'features.3'),
            ('features.13.conv.1', 'features.13.conv.1'),
            ('features.3.conv.1.0', 'features.3.conv.1.1'),
            ('features.0.2', 'features.0.2'),
        ],
        seed=12,
    )


if __name__ == '__main__':
    main()
