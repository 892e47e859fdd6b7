// Runs the TypeScript sources directly: swc transpiles (with decorator metadata, which Nest's
// dependency injection reads) and the tsconfig path aliases resolve to libs/*/src.
process.env.SWC_NODE_PROJECT =
  process.env.SWC_NODE_PROJECT || require('path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
