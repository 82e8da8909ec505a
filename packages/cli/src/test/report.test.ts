/**
 * `glasswing report` with captured io: the page is self-contained (no scripts, no external
 * resources, CSP), every name from the model file or the command line is escaped, sections and
 * method choice follow the model's capabilities, and mistakes give one-line errors with exit
 * codes 2 (usage) and 1 (runtime).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeModel, makeModel, makeNode, makeValueInfo, tensorToProto } from '@glasswing/onnx';
import { defaultMethods, reportOptions } from '../report/methods.js';
import { escapeHtml } from '../report/html.js';
import { GRAPH, convGraphJson, run, tempDir, writeJson } from './helpers.js';

const EVIL = '<script>alert(1)</script>';

/** The tiny_additive graph with a hostile graph name and a hostile layer name. */
function hostileGraph(dir: string): string {
  const g = JSON.parse(readFileSync(GRAPH, 'utf8')) as { name: string; nodes: { name: string }[] };
  g.name = '<img src=x onerror=alert(2)>';
  g.nodes[1]!.name = EVIL;
  return writeJson(dir, 'hostile.json', g);
}

function imgSources(html: string): string[] {
  return [...html.matchAll(/<img\b[^>]*>/g)].map((m) => /\ssrc="([^"]*)"/.exec(m[0])?.[1] ?? '');
}

/** Markup outside inline SVG <image href> must not reference anything external. */
function expectSelfContained(html: string): void {
  expect(/<script/i.test(html), '<script').toBe(false);
  expect(/<link|<iframe|<object|<embed|@import|url\(/i.test(html), 'external resource').toBe(false);
  // no event-handler attributes on any tag (quoted attribute values removed first)
  const handlers = [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""')).filter((t) => /\son[a-z]+\s*=/i.test(t));
  expect(handlers).toEqual([]);
  for (const src of imgSources(html)) expect(src.startsWith('data:image/png;base64,')).toBe(true);
  for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]!.startsWith('#') || m[1]!.startsWith('data:image/png;base64,')).toBe(true);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`);
}

describe('glasswing report', () => {
  const dir = tempDir();
  const tab = writeJson(dir, 'tab.json', [
    [0.5, -1, 2, 0.3, 0.1, -0.7],
    [1, 1, 1, 1, 1, 1],
  ]);

  it('escapes a layer named <script>, the graph name and feature names everywhere', async () => {
    const out = join(dir, 'hostile.html');
    const r = await run(['report', '--model', hostileGraph(dir), '--input', tab, '--out', out, '--feature-names', `a,"><svg onload=alert(3)>,c,d,e,f`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    expect(html.includes(EVIL)).toBe(false);
    expect(html.includes(escapeHtml(EVIL))).toBe(true);
    expect(html.includes('<img src=x')).toBe(false);
    expect(html.includes('&lt;img src=x onerror=alert(2)&gt;')).toBe(true);
    expect(html.includes('<svg onload')).toBe(false);
    expect(html.includes('&lt;svg onload=alert(3)&gt;')).toBe(true);
  });

  it('a tabular model: every section, every layer, the default methods with kernel-shap, progress on stderr', async () => {
    const out = join(dir, 'tab.html');
    const r = await run(['report', '--model', GRAPH, '--input', tab, '--out', out]);
    expect(r.code).toBe(0);
    const ids = ['saliency', 'integrated-gradients', 'smoothgrad', 'gradient-shap', 'kernel-shap'];
    expect(defaultMethods({ gradients: true, layers: true, rules: true }, 'tabular')).toEqual(ids);
    expect(r.stderr.trim().split('\n').map((l) => /^report: (\S+) done in/.exec(l)?.[1]).filter(Boolean)).toEqual(ids);
    expect(r.stderr).toMatch(/^report: activations of 3 layers on 2 rows in /m);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    for (const s of ['overview', 'structure', 'weights', 'activations', 'attributions']) expect(html).toContain(`<section id="${s}">`);
    for (const layer of ['fc1', 'relu1', 'fc2']) expect(html).toContain(`<td>${layer}</td>`);
    expect(html).toContain('<td class="num">28</td>');
    // bar charts per method and example, waterfall + force plots for the 3 additive methods
    expect((html.match(/<svg\b/g) ?? []).length).toBeGreaterThanOrEqual(1 + 5 + 2 * (5 + 3 * 2));
    expect(html).toContain('Summary over the examples');
    // Two rows only: the Distillation section is a note asking for more.
    expect(html).toContain('Distillation needs at least 10 dataset rows; the report has 2');
  });

  it('a tabular model with a dataset: the Distillation section (picture + table); the student size is hand-counted', async () => {
    const credit = fileURLToPath(new URL('../../../../apps/demo/credit/', import.meta.url));
    const rows = readFileSync(join(credit, 'data.csv'), 'utf8').trim().split('\n').slice(1, 201).map((l) => l.split(',').map(Number));
    const data = writeJson(dir, 'credit-data.json', rows);
    const x = writeJson(dir, 'credit-x.json', rows.slice(0, 2));
    const out = join(dir, 'credit.html');
    const r = await run(['report', '--model', join(credit, 'model.json'), '--input', x, '--data', data, '--methods', 'saliency', '--adapter', 'reference', '--seed', '3', '--out', out, '--no-progress']);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    const at = html.indexOf('<section id="distillation">');
    expect(at).toBeGreaterThan(0);
    const body = html.slice(at, html.indexOf('</section>', at));
    expect(body).toContain('150 rows trained on, 50 held out');
    expect((body.match(/<img\b[^>]*alt="distillation summary"/g) ?? []).length).toBe(1);
    // 8 inputs → 16 → 2: (8·16 + 16) + (16·2 + 2) = 178 parameters; the credit teacher 8 → 16 → 8 → 2 has 542.
    expect(body).toContain('<td class="num">178 / 542</td>');
    expect(body).toContain(`<td class="num">${(178 / 542).toPrecision(3)}×</td>`);
    expect(body).toMatch(/<td class="num">\d[\d.e-]*×<\/td>/); // speedup
    expect(body).toMatch(/<td class="num">[\d.e-]+ \(reference\) \/ [\d.e-]+ \(reference\)<\/td>/); // both timed on the report's adapter
    // A small student follows the teacher on most held-out rows (the credit task is near-linear).
    const fid = Number(/<td class="num">([\d.]+)%<\/td>/.exec(body)![1]);
    expect(fid).toBeGreaterThanOrEqual(85);
  }, 60_000);

  it('an image model (NCHW conv graph): grids, heat maps with legends, occlusion with a window', async () => {
    const model = writeJson(dir, 'conv.json', convGraphJson());
    const x = writeJson(dir, 'img.json', { shape: [2, 1, 4, 4], data: Array.from({ length: 32 }, (_, i) => ((i * 5) % 7) / 7) });
    const out = join(dir, 'img.html');
    const r = await run(['report', '--model', model, '--input', x, '--out', out, '--methods', 'saliency,occlusion', '--target', '1']);
    expect(r.stderr).toMatch(/report: occlusion done/);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    const alts = [...html.matchAll(/<img\b[^>]*\salt="([^"]*)"/g)].map((m) => m[1]!);
    expect(alts).toHaveLength(imgSources(html).length);
    // 2 methods x 2 examples x (heat map + masked image), 2 weight tensors (conv kernel, dense), 1 conv layer's feature maps
    expect(alts.filter((a) => / heat map, /.test(a))).toHaveLength(4);
    expect(alts.filter((a) => / masked image, /.test(a))).toHaveLength(4);
    expect(alts.filter((a) => a.startsWith('weights of '))).toEqual(['weights of conv (conv.w)', 'weights of fc (fc.w)']);
    expect(alts.filter((a) => a.startsWith('feature maps of '))).toEqual(['feature maps of conv']);
    expect(alts.filter((a) => / of conv$/.test(a) && /^(feature visualization|dataset examples)/.test(a))).toEqual(['feature visualization of conv', 'dataset examples of conv']);
    expect(alts.filter((a) => a === 'influence gallery')).toHaveLength(1);
    // + the influence gallery; no distillation picture (image model); the explanation-quality pictures apart
    expect(alts.filter((a) => !/^(metric by method heat table|mean metric curves)$/.test(a))).toHaveLength(14);
    expect(alts).toContain('metric by method heat table');
    expect(html).not.toContain('<section id="distillation">'); // tabular models only
    expect(html).toContain('Methods side by side');
    expect(html).toContain('explained target');
    expect(defaultMethods({ gradients: true, layers: true, rules: true }, 'image', 'conv')).toEqual([
      'saliency', 'integrated-gradients', 'smoothgrad', 'gradient-shap', 'grad-cam', 'occlusion',
    ]);
    expect(defaultMethods({ gradients: false, layers: false, rules: false }, 'image')).toEqual(['occlusion']);
    const cam = await run(['report', '--model', model, '--input', x, '--out', join(dir, 'cam.html'), '--methods', 'grad-cam']);
    expect(cam.code).toBe(0);
    expect(readFileSync(join(dir, 'cam.html'), 'utf8')).toContain('Grad-CAM on layer conv');
    expect(reportOptions('occlusion', [3, 24, 30], 'NCHW')).toEqual({ window: [3, 4, 4], strides: [3, 2, 2] });
    expect(reportOptions('occlusion', [24, 30, 3], 'NHWC')).toEqual({ window: [4, 4, 3], strides: [2, 2, 3] });
  });

  it('a forward-only ONNX model: only perturbation methods, no structure section', async () => {
    const onnx = makeModel({
      nodes: [makeNode('MatMul', ['x', 'w'], ['h'], {}, 'mm'), makeNode('Sin', ['h'], ['y'], {}, 'sine')],
      inputs: [makeValueInfo('x', ['N', 3])],
      outputs: [makeValueInfo('y', ['N', 2])],
      initializers: [tensorToProto('w', { shape: [3, 2], data: Float32Array.from([0.5, -1, 0.25, 2, -0.75, 0.1]) })],
      opset: 13,
    });
    const model = join(dir, 'sin.onnx');
    writeFileSync(model, encodeModel(onnx));
    const x = writeJson(dir, 'sin-x.json', [[0.3, -0.2, 0.9]]);
    const out = join(dir, 'sin.html');
    const r = await run(['report', '--model', model, '--input', x, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n').map((l) => /^report: (\S+) done/.exec(l)?.[1])).toEqual(['kernel-shap', 'feature-ablation']);
    const html = readFileSync(out, 'utf8');
    expectSelfContained(html);
    expect(html).not.toContain('<section id="structure">');
    expect(html).toContain('forward-only');
    const grad = await run(['report', '--model', model, '--input', x, '--out', out, '--methods', 'saliency']);
    expect(grad.code).toBe(1);
    expect(grad.stderr).toMatch(/^glasswing: error: method 'saliency' needs gradients, which the .* model does not provide: the ONNX model is forward-only[^\n]*\n$/);
  });

  it('usage errors exit 2, runtime errors exit 1, each one line', async () => {
    const cases: [string[], number, RegExp][] = [
      [['report', '--model', GRAPH], 2, /missing required option --input/],
      [['report', '--model', GRAPH, '--input', tab, '--methods', 'saliency,nope'], 2, /unknown method 'nope' in --methods/],
      [['report', '--model', GRAPH, '--input', tab, '--methods', 'saliency,saliency'], 2, /listed twice/],
      [['report', '--model', GRAPH, '--input', tab, '--examples', '0'], 2, /--examples must be at least 1/],
      [['report', '--model', GRAPH, '--input', tab, '--methods', 'layer-gradient'], 2, /attributes to a layer; the report shows input attributions only/],
      [['report', '--model', GRAPH, '--input', tab, '--methods', 'grad-cam'], 2, /needs a conv layer/],
      [['report', '--model', GRAPH, '--input', tab, '--target', '0,1,0'], 1, /--target lists 3 classes for 2 examples/],
      [['report', '--model', GRAPH, '--input', tab, '--feature-names', 'a,b'], 1, /--feature-names lists 2 names for 6 features/],
      [['report', '--model', GRAPH, '--input', join(dir, 'missing.json')], 1, /cannot read input file/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run([...argv, '--out', join(dir, 'never.html')]);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`^glasswing: error: .*${message.source}.*\\n$`));
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const help = await run(['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: glasswing report');
  });
});
