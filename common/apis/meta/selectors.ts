// Label and field selectors in kube-apiserver's query syntax (`app=web,tier!=db`,
// `env in (a,b)`, `!legacy`; fields support =, == and !=). Parsed once per request into
// predicates; pure. Parse errors are 400 BadRequest values.

import { errors } from './errors.ts';

type Requirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> }
  | { op: 'eq' | 'neq'; key: string; value: string };

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '' || out.length > 0) out.push(current.trim());
  return out;
}

const KEY = /^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function requirement(term: string, selector: string): Requirement {
  const bad = () =>
    errors.badRequest(`unable to parse requirement: found '${term}' in label selector "${selector}"`);
  let m = /^!\s*(\S+)$/.exec(term);
  if (m) {
    if (!KEY.test(m[1] as string)) throw bad();
    return { op: 'notexists', key: m[1] as string };
  }
  m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const values = (m[3] as string).split(',').map((v) => v.trim());
    if (!KEY.test(m[1] as string) || values.some((v) => !VALUE.test(v))) throw bad();
    return { op: m[2] as 'in' | 'notin', key: m[1] as string, values: new Set(values) };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) {
    if (!KEY.test(m[1] as string) || !VALUE.test(m[3] as string)) throw bad();
    return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1] as string, value: m[3] as string };
  }
  if (KEY.test(term)) return { op: 'exists', key: term };
  throw bad();
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'in':
      return has && r.values.has(value as string);
    case 'notin':
      return !has || !r.values.has(value as string);
    case 'eq':
      return has && value === r.value;
    case 'neq':
      return !has || value !== r.value;
  }
}

export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (text === undefined || text.trim() === '') return () => true;
  const requirements = terms(text).map((term) => {
    if (term === '')
      throw errors.badRequest(`unable to parse requirement: empty term in label selector "${text}"`);
    return requirement(term, text);
  });
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** Field selector terms; unknown fields are rejected against `supported`. */
export function parseFieldSelector(
  text: string | undefined,
  supported: readonly string[],
): FieldRequirement[] {
  if (text === undefined || text.trim() === '') return [];
  return terms(text).map((term) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const fieldName = m[1] as string;
    if (!supported.includes(fieldName)) {
      throw errors.badRequest(
        `"${fieldName}" is not a known field selector: only "${supported.join('", "')}"`,
      );
    }
    return { field: fieldName, value: (m[3] as string).trim(), negate: m[2] === '!=' };
  });
}

export function matchesFields(
  requirements: readonly FieldRequirement[],
  value: (field: string) => string | undefined,
): boolean {
  return requirements.every((r) => ((value(r.field) ?? '') === r.value) !== r.negate);
}
