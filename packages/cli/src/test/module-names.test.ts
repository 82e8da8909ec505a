/**
 * PyTorch module names as `--layer` on the torchvision ResNet / MobileNetV2 exports (fixtures of
 * @glasswing/onnx, made by tools/torch-exports/export_torchvision_like.py): `attribute` against
 * Captum 0.8 LayerGradCam / LayerActivation, the note for a Conv carrying a folded BatchNorm,
 * folded and unknown names as errors naming the carrying node / the nearest names, `inspect`'s
 * module column (text and JSON) and `report --layer`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, tempDir, writeJson } from './helpers.js';

const TV = fileURLToPath(new URL('../../../onnx/test/fixtures/torchvision/', import.meta.url));
const RESNET = join(TV, 'resnet_tv.onnx');
const MOBILENET = join(TV, 'mobilenet_v2_tv.onnx');

interface Rec {
  layer: string;
  captumModule: string;
  shape: number[];
  data: number[];
}
interface Fixture {
  input: { shape: number[]; seed: number };
  target: number[];
  layerActivation: Rec[];
  layerGradCam: Rec[];
}
const fixture = (name: string) => JSON.parse(readFileSync(join(TV, `${name}.captum.json`), 'utf8')) as Fixture;

/** The fixture input x[k] = float32((((k·7919 + seed) mod 2003) − 1001) / 500), as a CLI input file. */
function inputFile(dir: string, f: Fixture, name: string): string {
  const n = f.input.shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, k) => Math.fround((((k * 7919 + f.input.seed) % 2003) - 1001) / 500));
  return writeJson(dir, `${name}.input.json`, { shape: f.input.shape, data });
}

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

function expectNear(actual: number[], rec: Rec, tol: number): void {
  expect(actual.length).toBe(rec.data.length);
  const scale = Math.max(...rec.data.map(Math.abs));
  const worst = Math.max(...rec.data.map((e, i) => Math.abs(actual[i]! - e)));
  expect(worst / scale, `${rec.layer}: worst ${worst}, scale ${scale}`).toBeLessThanOrEqual(tol);
}

const dir = tempDir();

describe('attribute --layer <PyTorch module>', () => {
  const resnet = fixture('resnet_tv');
  const x = inputFile(dir, resnet, 'resnet');

  it('grad-cam --layer layer4 (container) and layer2.1 (BasicBlock) equal Captum LayerGradCam', async () => {
    for (const layer of ['layer4', 'layer2.1']) {
      const rec = resnet.layerGradCam.find((r) => r.layer === layer)!;
      const r = await run(['attribute', '--model', RESNET, '--method', 'grad-cam', '--layer', layer, '--attribute-to-layer', 'true', '--target', '3,7', '--input', x]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { shape: number[]; attributions: unknown };
      expect(out.shape).toEqual(rec.shape);
      expectNear(flat(out.attributions), rec, 2e-4);
    }
  });

  it('layer-activation --layer features.18 (MobileNetV2) equals Captum LayerActivation', async () => {
    const mobilenet = fixture('mobilenet_v2_tv');
    const rec = mobilenet.layerActivation.find((r) => r.layer === 'features.18')!;
    const r = await run(['attribute', '--model', MOBILENET, '--method', 'layer-activation', '--layer', 'features.18', '--input', inputFile(dir, mobilenet, 'mobilenet')]);
    expect(r.code).toBe(0);
    expectNear(flat((JSON.parse(r.stdout) as { attributions: unknown }).attributions), rec, 2e-4);
  });

  it('a Conv carrying a folded BatchNorm is used, with a note on stderr', async () => {
    const rec = resnet.layerGradCam.find((r) => r.layer === 'conv1')!;
    const r = await run(['attribute', '--model', RESNET, '--method', 'grad-cam', '--layer', 'conv1', '--attribute-to-layer', 'true', '--target', '3,7', '--input', x]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/layer 'conv1' is \/conv1\/Conv: the exporter folded a normalisation \(BatchNorm\) into \/conv1\/Conv/);
    expectNear(flat((JSON.parse(r.stdout) as { attributions: unknown }).attributions), rec, 2e-4);
  });

  it('folded and unknown module names are errors naming the carrying node / the nearest names', async () => {
    const folded = await run(['attribute', '--model', RESNET, '--method', 'layer-activation', '--layer', 'bn1', '--input', x]);
    expect(folded.code).toBe(1);
    expect(folded.stderr).toMatch(/module 'bn1' has no node in this ONNX export: the exporter folded it \(a BatchNorm\) into \/conv1\/Conv.*use layer 'conv1' or '\/conv1\/Conv'/);
    const unknown = await run(['attribute', '--model', RESNET, '--method', 'layer-activation', '--layer', 'layer5', '--input', x]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown layer 'layer5'.*nearest: layer1, layer2, layer3, layer4/);
  });
});

describe('inspect shows the PyTorch module names of each layer', () => {
  it('text: a module column; JSON: layers[].modules', async () => {
    const r = await run(['inspect', '--model', RESNET]);
    expect(r.code).toBe(0);
    const header = r.stdout.split('\n').find((l) => /^\s*#\s+layer\s/.test(l))!;
    expect(header).toMatch(/^\s*#\s+layer\s+module\s+op\s+output shape\s+params$/);
    const row = r.stdout.split('\n').find((l) => l.includes('/layer4/layer4.0/relu_1/Relu'))!;
    expect(row).toMatch(/\/layer4\/layer4\.0\/relu_1\/Relu\s+layer4, layer4\.0, layer4\.0\.relu\s+Relu\s+\[N, 64, 2, 2\]/);
    const json = await run(['inspect', '--model', MOBILENET, '--json']);
    const info = JSON.parse(json.stdout) as { layers: { name: string; modules?: string[] }[] };
    expect(info.layers.find((l) => l.name === '/features/features.18/features.18.2/Clip')!.modules).toEqual(['features', 'features.18', 'features.18.2']);
    expect(info.layers.find((l) => l.name === '/features/features.3/Add')!.modules).toEqual(['features.3']);
    // A layer no module outputs (inside a block) has no module names.
    expect(info.layers.find((l) => l.name === '/features/features.3/conv/conv.0/conv.0.0/Conv')!.modules).toEqual(['features.3.conv.0.0']);
    expect(info.layers.find((l) => l.name === '/Flatten')!.modules).toBeUndefined();
  });
});

describe('report --layer <PyTorch module>', () => {
  it('runs Grad-CAM on the module and names it in the overview', async () => {
    const resnet = fixture('resnet_tv');
    const x = inputFile(dir, resnet, 'resnet-report');
    const out = join(dir, 'resnet.html');
    const r = await run(['report', '--model', RESNET, '--input', x, '--methods', 'grad-cam', '--layer', 'layer3', '--examples', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Grad-CAM on layer /layer3/layer3.0/relu_1/Relu (module layer3, layer3.0, layer3.0.relu)');
    expect(html).toContain('<th>PyTorch module</th>');
    const bad = await run(['report', '--model', RESNET, '--input', x, '--methods', 'grad-cam', '--layer', 'layer2.0.downsample.1', '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/folded it \(a BatchNorm\) into \/layer2\/layer2\.0\/downsample\/downsample\.0\/Conv/);
  });
});
