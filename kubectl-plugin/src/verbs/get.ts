// `get|list [NAME]`: ProjectServices as the server's Table, or -o json|yaml|name|jsonpath.

import { PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName } from '../values.ts';
import { printResource } from './print.ts';

export async function run({ args, flags }: VerbInput): Promise<number> {
  if (args.name !== undefined) checkName(args.name);
  const session = await connect(flags);
  try {
    await printResource(session.api, PROJECT_SERVICES, session.namespace, args.name, flags);
    return 0;
  } finally {
    session.close();
  }
}
