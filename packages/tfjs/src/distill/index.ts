export { distill, toLayersArtifacts, type DistillOptions, type DistillReport, type DistillResult } from './distill.js';
export { distillTree, type TreeDistillOptions, type TreeDistillReport, type TreeDistillResult } from './tree-student.js';
export { planStudent, parameterCount, studentArtifacts, type StudentArchitecture, type StudentLayer, type StudentArtifacts, type StudentPlan, type Activation, type Layout } from './student.js';
export { writeStudent } from './save.js';
export type { DistillProgress, DistillTask, Fidelity, CommonDistillOptions } from './common.js';
