/** Captum checks of the rule methods, shared between adapters (filled in as methods land). */
import type { Model } from '../../model.js';
import type { Fixture } from './fixtures.js';

export function captumRuleMethods(_f: Fixture, _model: () => Model, _tol: { rel: number; abs: number; delta: number }): void {}
