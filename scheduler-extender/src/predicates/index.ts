// The predicates the extender evaluates, in their default (cost) order.

import { localDisk } from './localdisk.ts';
import { numa } from './numa.ts';
import type { Predicate } from './predicate.ts';
import { sriov } from './sriov.ts';

export const PREDICATES: readonly Predicate[] = [sriov, localDisk, numa];
