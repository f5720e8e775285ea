/** The fake upstream lives in tools/fake-upstream/ (the demo uses it too); this keeps older imports working. */
export * from '../../tools/fake-upstream/index.js';
