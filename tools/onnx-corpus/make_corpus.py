#!/usr/bin/env python3
"""
The ONNX model-compatibility corpus of @glasswing/onnx: classification exports shaped like
torchvision's, made by torch.onnx.export from torchvision's OWN model classes at tiny widths,
few blocks and small inputs, the way users export them (both exporters, opsets 13..21, fixed and
dynamic batch, one with external data). Nothing is downloaded; weights are random (seeded) and
the BatchNorm statistics are those of the model's own activations on random inputs (as after
training), so activations stay O(1).

How it was run (torch 2.13.0+cpu, torchvision 0.28.0, captum 0.8.0, onnx 1.23.1, onnxscript 0.7.2):

    PYTHONPATH=/work/tools-captum:/work/tools-captum/shim \\
        python3 tools/onnx-corpus/make_corpus.py

(`tv_shim` makes a CUDA-built torchvision wheel importable on CPU torch; without that setup drop
the import.) Tests never run this script; they read what it writes into
packages/onnx/test/fixtures/corpus/:

    <name>.onnx            the export as torch.onnx wrote it (external-data models: <name>.onnx.data too)
    <name>.json            how it was made (class, config, exporter, opset, batch), the input
                           (a formula), PyTorch's float32 outputs on it, Captum 0.8's 50-step
                           IntegratedGradients totals and convergence deltas, and for a few models
                           Captum's Saliency and 8-step IntegratedGradients attributions (all
                           Captum figures on a float64 copy of the model)

The ONNX Runtime outputs the tests compare against are computed by the test itself (onnxruntime-node
on the original file), the model's own runtime in JavaScript; PyTorch's outputs are a looser sanity check.
"""
import copy
import json
import os
import sys

import tv_shim  # noqa: F401  (see the header)
import captum
import onnx
import torch
import torchvision
from captum.attr import IntegratedGradients, Saliency
from torch import nn
from torchvision.models import densenet as tv_densenet
from torchvision.models import efficientnet as tv_efficientnet
from torchvision.models import mobilenetv3 as tv_mobilenetv3
from torchvision.models import resnet as tv_resnet
from torchvision.models import squeezenet as tv_squeezenet
from torchvision.models import vgg as tv_vgg
from torchvision.models.mobilenetv2 import MobileNetV2
from torchvision.models.vision_transformer import VisionTransformer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'onnx', 'test', 'fixtures', 'corpus')
CLASSES = 10
N = 2  # examples in the recorded input
TARGETS = [3, 7]


# ---------------------------------------------------------------------------------------------
# Models: torchvision's classes, narrowed.


def narrowed(c, by):
    return c if c <= 3 else max(c // by, 1)


def build_resnet(block, layers, by=8):
    """torchvision ResNet with every width divided by `by` (conv3x3 / conv1x1 / norm narrowed while it builds)."""
    conv3x3, conv1x1 = tv_resnet.conv3x3, tv_resnet.conv1x1
    tv_resnet.conv3x3 = lambda i, o, stride=1, groups=1, dilation=1: conv3x3(narrowed(i, by), narrowed(o, by), stride, groups, dilation)
    tv_resnet.conv1x1 = lambda i, o, stride=1: conv1x1(narrowed(i, by), narrowed(o, by), stride)
    try:
        model = tv_resnet.ResNet(block, layers, num_classes=CLASSES, norm_layer=lambda c: nn.BatchNorm2d(narrowed(c, by)))
    finally:
        tv_resnet.conv3x3, tv_resnet.conv1x1 = conv3x3, conv1x1
    model.conv1 = nn.Conv2d(3, 64 // by, kernel_size=7, stride=2, padding=3, bias=False)
    model.fc = nn.Linear(512 * block.expansion // by, CLASSES)
    return model


def build_mobilenet_v2():
    """MobileNetV2(width_mult=0.25) with one or two blocks per stage (torchvision's setting has 1, 2, 3, 4, 3, 3, 1)."""
    setting = [[1, 16, 1, 1], [6, 24, 1, 2], [6, 32, 2, 2], [6, 64, 1, 2], [6, 96, 2, 1], [6, 160, 1, 2], [6, 320, 1, 1]]
    model = MobileNetV2(num_classes=CLASSES, width_mult=0.25, inverted_residual_setting=setting)
    last_in = model.features[-2].out_channels
    from torchvision.ops.misc import Conv2dNormActivation
    model.features[len(model.features) - 1] = Conv2dNormActivation(last_in, 96, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6)
    model.classifier[1] = nn.Linear(96, CLASSES)
    return model


def build_mobilenet_v3_small():
    setting, last_channel = tv_mobilenetv3._mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.35)
    return tv_mobilenetv3.MobileNetV3(setting, last_channel // 4, num_classes=CLASSES)


def build_efficientnet_b0():
    setting, last_channel = tv_efficientnet._efficientnet_conf('efficientnet_b0', width_mult=0.25, depth_mult=0.25)
    return tv_efficientnet.EfficientNet(setting, dropout=0.2, num_classes=CLASSES, last_channel=128)


def build_densenet():
    return tv_densenet.DenseNet(growth_rate=8, block_config=(2, 2, 2), num_init_features=16, bn_size=2, num_classes=CLASSES)


def build_squeezenet():
    """SqueezeNet 1.1 with every Fire module's widths divided by 4 (the stem conv and classifier narrowed under the same names)."""
    fire = tv_squeezenet.Fire

    class NarrowFire(fire):
        def __init__(self, inplanes, squeeze, e1, e3):
            super().__init__(inplanes // 4, squeeze // 4, e1 // 4, e3 // 4)

    tv_squeezenet.Fire = NarrowFire
    try:
        model = tv_squeezenet.SqueezeNet(version='1_1', num_classes=CLASSES)
    finally:
        tv_squeezenet.Fire = fire
    model.features[0] = nn.Conv2d(3, 16, kernel_size=3, stride=2)
    model.classifier[1] = nn.Conv2d(128, CLASSES, kernel_size=1)
    return model


def build_vgg11():
    """VGG-11 (configuration "A") with widths divided by 16, adaptive pool to 2×2 and a narrow classifier."""
    cfg = [c if c == 'M' else c // 16 for c in tv_vgg.cfgs['A']]
    model = tv_vgg.VGG(tv_vgg.make_layers(cfg, batch_norm=False), num_classes=CLASSES, init_weights=False)
    model.avgpool = nn.AdaptiveAvgPool2d((2, 2))
    model.classifier = nn.Sequential(
        nn.Linear(32 * 2 * 2, 64), nn.ReLU(True), nn.Dropout(), nn.Linear(64, 64), nn.ReLU(True), nn.Dropout(), nn.Linear(64, CLASSES)
    )
    return model


def build_vit():
    return VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=CLASSES)


class AttentionPool(nn.Module):
    """A small conv stem and one nn.MultiheadAttention over the spatial positions (batch_first=False, need_weights default)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, stride=2, padding=1))
        self.attn = nn.MultiheadAttention(16, 4)
        self.norm = nn.LayerNorm(16)
        self.head = nn.Linear(16, CLASSES)

    def forward(self, x):
        f = self.stem(x).flatten(2).permute(2, 0, 1)  # (HW, N, C)
        a, _ = self.attn(f, f, f)
        return self.head(self.norm(a + f).mean(0))


# ---------------------------------------------------------------------------------------------
# The corpus.

CORPUS = [
    # name, builder, size, exporter, opset, dynamic batch, external data, captum, about
    dict(name='resnet18_o13', build=lambda: build_resnet(tv_resnet.BasicBlock, [2, 2, 2, 2]), size=32, dynamo=False, opset=13, dynamic=False,
         about='ResNet(BasicBlock, [2, 2, 2, 2]) (resnet18), widths / 8', captum=True),
    dict(name='resnet50_o20', build=lambda: build_resnet(tv_resnet.Bottleneck, [1, 1, 1, 1]), size=32, dynamo=True, opset=20, dynamic=True,
         about='ResNet(Bottleneck, [1, 1, 1, 1]) (resnet50 blocks), widths / 8'),
    dict(name='mobilenet_v2_o14', build=build_mobilenet_v2, size=32, dynamo=False, opset=14, dynamic=True,
         about='MobileNetV2(width_mult=0.25), stages of 1-2 blocks (9 InvertedResiduals), last conv 96 channels'),
    dict(name='mobilenet_v3_small_o15', build=build_mobilenet_v3_small, size=64, dynamo=False, opset=15, dynamic=True,
         about='MobileNetV3 small (width_mult=0.35), last channel 90: HardSwish, HardSigmoid, SE'),
    dict(name='efficientnet_b0_o16', build=build_efficientnet_b0, size=32, dynamo=False, opset=16, dynamic=True, external=True,
         about='EfficientNet b0 (width_mult=0.25, depth_mult=0.25): SiLU, SE blocks; external data', captum=True),
    dict(name='densenet_o17', build=build_densenet, size=32, dynamo=False, opset=17, dynamic=True,
         about='DenseNet(growth_rate=8, block_config=(2, 2, 2), num_init_features=16, bn_size=2): Concat, BatchNorm before conv', captum=True),
    dict(name='squeezenet1_1_o18', build=build_squeezenet, size=56, dynamo=True, opset=18, dynamic=True,
         about='SqueezeNet 1.1, Fire widths / 4: Concat, ceil-mode MaxPool'),
    dict(name='vgg11_o19', build=build_vgg11, size=64, dynamo=True, opset=19, dynamic=False,
         about='VGG-11 (cfg A), widths / 16, AdaptiveAvgPool2d(2, 2)'),
    dict(name='vit_o14', build=build_vit, size=32, dynamo=False, opset=14, dynamic=True,
         about='VisionTransformer(32, patch 8, 2 layers, 2 heads, hidden 32, mlp 64): LayerNorm decomposed (opset < 17), Erf GELU'),
    dict(name='vit_o17', build=build_vit, size=32, dynamo=False, opset=17, dynamic=True,
         about='VisionTransformer as vit_o14: LayerNormalization, Erf GELU, attention MatMuls', captum=True),
    dict(name='vit_o21', build=build_vit, size=32, dynamo=True, opset=21, dynamic=True,
         about='VisionTransformer as vit_o14, dynamo exporter'),
    dict(name='mha_o17', build=AttentionPool, size=32, dynamo=False, opset=17, dynamic=True,
         about='conv stem + nn.MultiheadAttention(16, 4) (sequence-first) + LayerNorm + Linear'),
]


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            elif name.endswith('weight'):  # BatchNorm / LayerNorm gamma
                p.copy_(0.5 + torch.rand(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
    return model.eval()


def calibrate(model, size, seed):
    """BatchNorm statistics of the model's own activations on random inputs (as training leaves them), so activations stay O(1)."""
    g = torch.Generator().manual_seed(seed)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    model.eval()
    for m in bns:
        m.train()  # only the BatchNorms collect statistics (Dropout and stochastic depth stay off)
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(16, 3, size, size, generator=g))
    for m in bns:
        m.momentum = 0.1
        m.running_var.clamp_(min=0.05)  # a channel that is (almost) constant would otherwise be amplified ~300x
    return model.eval()


def input_tensor(n, size):
    """A smooth image-like input any language reproduces (float64 sin/cos, rounded to float32):
    x[n, c, h, w] = sin(0.21·h·(1 + 0.3·n) + c) · cos(0.17·w + 0.5·c + n)."""
    k = torch.arange(n, dtype=torch.float64).view(n, 1, 1, 1)
    c = torch.arange(3, dtype=torch.float64).view(1, 3, 1, 1)
    h = torch.arange(size, dtype=torch.float64).view(1, 1, size, 1)
    w = torch.arange(size, dtype=torch.float64).view(1, 1, 1, size)
    return (torch.sin(0.21 * h * (1 + 0.3 * k) + c) * torch.cos(0.17 * w + 0.5 * c + k)).float()


def flat(t):
    return [float(f'{v:.8g}') for v in t.detach().reshape(-1).tolist()]


def record(t):
    return {'shape': list(t.shape), 'data': flat(t)}


def export(entry, model, x):
    path = os.path.join(OUT, entry['name'] + '.onnx')
    kwargs = dict(input_names=['input'], output_names=['logits'], opset_version=entry['opset'], dynamo=entry['dynamo'])
    if entry['dynamic']:
        if entry['dynamo']:
            kwargs['dynamic_shapes'] = {'x': {0: torch.export.Dim('batch', min=1, max=4096)}}
        else:
            kwargs['dynamic_axes'] = {'input': {0: 'batch'}, 'logits': {0: 'batch'}}
    example = x if entry['dynamic'] else x[:1]
    if entry['dynamo']:
        kwargs['external_data'] = False
        kwargs['optimize'] = True
    torch.onnx.export(model, (example,), path, **kwargs)
    m = onnx.load(path)
    if entry.get('external'):
        for f in (path, path + '.data'):
            if os.path.exists(f):
                os.remove(f)
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location=entry['name'] + '.onnx.data', size_threshold=0)
    return path, m


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    only = set(sys.argv[1:])
    for i, entry in enumerate(CORPUS):
        if only and entry['name'] not in only:
            continue
        model = calibrate(randomise(entry['build'](), 100 + i), entry['size'], 200 + i)
        x = input_tensor(N, entry['size'])
        path, m = export(entry, model, x)
        ops = sorted({node.op_type for node in m.graph.node})
        with torch.no_grad():
            y = model(x)
        out = {
            'about': entry['about'],
            'generator': 'tools/onnx-corpus/make_corpus.py',
            'versions': {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'captum': captum.__version__, 'onnx': onnx.__version__},
            'model': os.path.basename(path),
            'externalData': (entry['name'] + '.onnx.data') if entry.get('external') else None,
            'exporter': 'dynamo' if entry['dynamo'] else 'torchscript',
            'opset': entry['opset'],
            'batch': 'dynamic' if entry['dynamic'] else 'fixed 1',
            'ops': ops,
            'input': {'shape': list(x.shape), 'formula': 'x[n, c, h, w] = float32(sin(0.21 h (1 + 0.3 n) + c) cos(0.17 w + 0.5 c + n)) (float64 sin/cos)'},
            'target': TARGETS,
            'torchOutputs': record(y),
        }
        ref = copy.deepcopy(model).double().eval()
        xd = x.double()
        ig50, delta50 = IntegratedGradients(ref).attribute(
            xd, target=TARGETS, n_steps=50, method='gausslegendre', internal_batch_size=100, return_convergence_delta=True)
        # Captum's 50-step IG totals and convergence deltas (Σ attr − (f(x) − f(0))), every model
        out['captumIG50'] = {'sums': [float(v) for v in ig50.sum(dim=(1, 2, 3))], 'deltas': [float(v) for v in delta50]}
        if entry.get('captum'):
            out['captum'] = {
                'saliency': record(Saliency(ref).attribute(xd, target=TARGETS)),
                'integratedGradients': {
                    'steps': 8, 'method': 'gausslegendre', 'baseline': 0,
                    **record(IntegratedGradients(ref).attribute(xd, target=TARGETS, n_steps=8, method='gausslegendre')),
                },
            }
        with open(os.path.join(OUT, entry['name'] + '.json'), 'w') as f:
            json.dump(out, f, separators=(',', ':'))
            f.write('\n')
        size = os.path.getsize(path) + (os.path.getsize(path + '.data') if entry.get('external') else 0)
        print(f"{entry['name']}: {size} bytes, ops {' '.join(ops)}", file=sys.stderr)


if __name__ == '__main__':
    main()
