// The pass table: every pass by name. Adding a pass = one file here + one row + its test.
import type { Pass } from '../pass.js';
import { inferShapesPass } from './infer-shapes.js';
import { foldConstantsPass } from './fold-constants.js';
import { removeIdentityPass } from './remove-identity.js';
import { foldBatchNormPass } from './fold-batchnorm.js';
import { fuseBiasPass } from './fuse-bias.js';
import { fuseActivationPass } from './fuse-activation.js';
import { dcePass } from './dce.js';
import { csePass } from './cse.js';
import { layoutPass } from './layout.js';

export const PASSES: ReadonlyMap<string, Pass> = new Map([
  inferShapesPass,
  foldConstantsPass,
  removeIdentityPass,
  foldBatchNormPass,
  fuseBiasPass,
  fuseActivationPass,
  dcePass,
  csePass,
  layoutPass,
].map((p) => [p.name, p]));
