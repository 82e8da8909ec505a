/**
 * Surrogate models and rules (issue 13): a CART tree fitted to a model's predictions, read as
 * IF–THEN rules (global surrogate), and high-precision local rules (anchors).
 * These are not attribution methods (not in METHODS): each has its own class and result type.
 */
export { fitDecisionTree, predictTree, treeLeaves, type DecisionTree, type DecisionTreeOptions, type TreeNode, type TreeTask, type TreeCriterion } from './decision-tree.js';
export { treeRules, formatCondition, formatRuleNumber, type TreeRule, type RuleCondition } from './tree-rules.js';
export { GlobalSurrogate, globalSurrogate, fidelityScore, type GlobalSurrogateOptions, type GlobalSurrogateResult, type SurrogateImportance } from './global-surrogate.js';
export { Anchors, anchors, type AnchorsOptions, type AnchorResult, type AnchorPredicate } from './anchors.js';
export { klLucb, klBounds, bernoulliKl, type Arm, type KlLucbOptions } from './kl-lucb.js';
