// Label and field selectors of lists and watches, as one predicate over objects of a kind:
// metadata.name, metadata.namespace and the kind's selectable fields. Pure.

import type { KindDefinition } from '../../../common/apis/kind.ts';
import {
  matchesFields,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../common/apis/meta/selectors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { ListOptions } from './types.ts';

export function selection<Spec, Status>(
  definition: KindDefinition<Spec, Status>,
  options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
): (o: TypedObject<Spec, Status>) => boolean {
  const labels = parseLabelSelector(options.labelSelector);
  const selectable = definition.selectableFields;
  const fields = parseFieldSelector(options.fieldSelector, [
    'metadata.name',
    'metadata.namespace',
    ...Object.keys(selectable),
  ]);
  return (o) =>
    labels(o.metadata.labels) &&
    matchesFields(fields, (f) => {
      if (f === 'metadata.name') return o.metadata.name;
      if (f === 'metadata.namespace') return o.metadata.namespace;
      return selectable[f]?.(o);
    });
}
