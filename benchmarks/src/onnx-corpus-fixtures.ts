/** The ONNX corpus fixtures and their helpers, shared with the onnx package's own corpus tests (one source). */
export * from '../../packages/onnx/test/corpus/fixtures.js';
