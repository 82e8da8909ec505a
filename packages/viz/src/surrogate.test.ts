/**
 * Surrogate pictures: the tree diagram (one box per node, leaves filled with their class colour,
 * splits' tests as text) and the rule table (one row per rule, swatch in the class colour); SVG
 * and PNG from one layout; text boxes do not overlap; bad input is a typed error.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, fitDecisionTree, treeRules } from '@glasswing/core';
import { ruleTablePng, ruleTableSvg, treeDiagramPng, treeDiagramSvg } from './surrogate.js';
import { categorical } from './scene.js';
import { pngSizeOf } from './test/png-size.js';
import { svgTextProblems } from './test/svg-text-boxes.js';

// x0 ≤ 1.5 → class 0; else x1 ≤ 0.5 → class 1, else class 2.
const x = [0, 0, 1, 1, 2, 0, 3, 0, 2, 1, 3, 1];
const y = [0, 0, 1, 1, 2, 2];
const tree = fitDecisionTree(x, y, 2, { task: 'classification', maxDepth: 3 });
const names = ['income', 'late_payments'];
const classes = ['deny', 'review', 'approve'];

describe('treeDiagram', () => {
  it('draws one box per node with the split tests and the leaf classes; leaves in class colours', () => {
    expect(tree.nodes.length).toBe(5);
    const svg = treeDiagramSvg({ tree, featureNames: names, classNames: classes });
    expect(svg).toContain('income ≤ 1.5');
    expect(svg).toContain('late_payments ≤ 0.5');
    for (const c of classes) expect(svg).toContain(`>${c}<`);
    expect(svg.match(/<rect /g)!.length).toBeGreaterThanOrEqual(5);
    // The class-0 leaf is outlined in class 0's colour.
    const [r, g, b] = categorical(0);
    expect(svg).toContain(`rgb(${r},${g},${b})`);
    expect(svgTextProblems(svg)).toEqual([]);
    const png = treeDiagramPng({ tree, featureNames: names, classNames: classes });
    const m = svg.match(/width="(\d+)" height="(\d+)"/)!;
    expect(pngSizeOf(png)).toEqual({ width: 2 * Number(m[1]), height: 2 * Number(m[2]) });
  });

  it('regression trees show leaf values; an empty tree is a typed error', () => {
    const reg = fitDecisionTree([0, 1, 2, 3], [1, 1, 5, 5], 1, { task: 'regression', maxDepth: 1 });
    const svg = treeDiagramSvg({ tree: reg, featureNames: ['t'] });
    expect(svg).toContain('value 1');
    expect(svg).toContain('value 5');
    expect(() => treeDiagramSvg({ tree: { ...reg, nodes: [] }, featureNames: ['t'] })).toThrow(InvalidArgumentError);
  });
});

describe('ruleTable', () => {
  it('one row per rule with its conditions, class, support and confidence', () => {
    const rules = treeRules(tree, names, classes);
    const svg = ruleTableSvg({ rules, task: 'classification' });
    expect(svg).toContain('income ≤ 1.5');
    expect(svg).toContain('income &gt; 1.5 AND late_payments ≤ 0.5');
    expect(svg).toContain('2 (33.3%)');
    expect(svg).toContain('100.0%');
    expect(svgTextProblems(svg)).toEqual([]);
    expect(pngSizeOf(ruleTablePng({ rules, task: 'classification' })).width).toBeGreaterThan(100);
    expect(ruleTableSvg({ rules, task: 'classification', maxRules: 1 })).toContain('Surrogate rules (1 of 3)');
    expect(() => ruleTableSvg({ rules: undefined as never, task: 'classification' })).toThrow(InvalidArgumentError);
  });
});
