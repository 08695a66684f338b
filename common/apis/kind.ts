// What the server needs to know about a kind to serve it: its names (for discovery and
// URLs), its schema, its name syntax and its semantic validation. Each kind's register.ts
// exports one; the registry and the server work from these alone.

import type { FieldError } from './field.ts';
import type { TypedObject } from './meta/types.ts';
import type { Schema } from './schema.ts';

export interface KindDefinition<Spec = unknown, Status = unknown> {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  schema: Schema;
  /** Syntax of metadata.name (a DNS-1035 label when the name becomes a Service's). */
  nameFormat: (name: string) => string[];
  validateSpec: (spec: Spec) => FieldError[];
  /** Texts for Warning headers about a valid spec: allowed, but likely not what was meant. */
  warnSpec?: (spec: Spec) => string[];
  /** Field selectors beyond metadata.name and metadata.namespace: path → value of an object. */
  selectableFields: Record<string, (object: TypedObject<Spec, Status>) => string | undefined>;
}

export function apiVersionOf(def: Pick<KindDefinition, 'group' | 'version'>): string {
  return `${def.group}/${def.version}`;
}

/** `projectservices.apps.kubehpc.dev`, as kube-apiserver names a resource in messages. */
export function qualifiedResource(def: Pick<KindDefinition, 'group' | 'plural'>): string {
  return `${def.plural}.${def.group}`;
}
