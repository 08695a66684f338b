// PromQL syntax, checked at admission with the Prometheus project's own grammar (the
// lezer parser its web UI uses), so a ScalingPolicy whose query Prometheus would refuse
// is a 422 when written, not a rule that silently never fires. Syntax only: whether the
// series exist is the controller's to find out.

import { parser } from '@prometheus-io/lezer-promql';

/** Problems with `query` as PromQL: empty when it parses. */
export function promql(query: string): string[] {
  const errorsAt: number[] = [];
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError) errorsAt.push(node.from);
    },
  });
  if (errorsAt.length === 0) return [];
  const at = Math.min(...errorsAt);
  const near = query.slice(at, at + 20);
  return [
    `must be a valid PromQL expression: syntax error at position ${at}${near ? ` near "${near}"` : ' (unexpected end)'}`,
  ];
}
