/** `@glasswing/viz/testing`: helpers for tests of code that writes SVG / HTML. */
export { BIDI, HOSTILE, markupProblems } from './markup-safety.js';
