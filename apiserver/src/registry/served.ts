// Every resource this server serves; adding a kind is adding its strategy here.

import { projectServiceStrategy } from './apps/projectservices/strategy.ts';
import { scalingPolicyStrategy } from './scaling/scalingpolicies/strategy.ts';
import type { Strategy } from './strategy.ts';

// Each strategy is typed by its own kind; the server handles them uniformly.
export const STRATEGIES = [projectServiceStrategy, scalingPolicyStrategy] as unknown as Strategy<
  unknown,
  unknown
>[];
