// Field errors as Kubernetes reports them (k8s.io/apimachinery/pkg/util/validation/field):
// a type, a dotted field path and a message. They become metav1.StatusCause entries of a
// 422 Invalid Status. Pure data; nothing here knows about HTTP.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

/** A field path: `spec.ports[0].port`, `metadata.labels[app]`. */
export class FieldPath {
  readonly text: string;
  constructor(text = '') {
    this.text = text;
  }
  child(name: string): FieldPath {
    return new FieldPath(this.text === '' ? name : `${this.text}.${name}`);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

/** Go-like rendering of a value inside a message: strings quoted, the rest as JSON. */
function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

export function required(path: FieldPath, detail = ''): FieldError {
  return {
    type: 'FieldValueRequired',
    field: path.text,
    message: `Required value${detail ? `: ${detail}` : ''}`,
  };
}

export function invalid(path: FieldPath, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: path.text, message: `Invalid value: ${show(value)}: ${detail}` };
}

export function notSupported(path: FieldPath, value: unknown, allowed: readonly unknown[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field: path.text,
    message: `Unsupported value: ${show(value)}: supported values: ${allowed.map(show).join(', ')}`,
  };
}

export function duplicate(path: FieldPath, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: path.text, message: `Duplicate value: ${show(value)}` };
}

export function forbidden(path: FieldPath, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field: path.text, message: `Forbidden: ${detail}` };
}

export function tooLong(path: FieldPath, max: number): FieldError {
  return {
    type: 'FieldValueTooLong',
    field: path.text,
    message: `Too long: may not be more than ${max} bytes`,
  };
}

export function tooMany(path: FieldPath, actual: number, max: number): FieldError {
  return {
    type: 'FieldValueTooMany',
    field: path.text,
    message: `Too many: ${actual}: must have at most ${max} items`,
  };
}

export function typeInvalid(path: FieldPath, value: unknown, expected: string): FieldError {
  return {
    type: 'FieldValueTypeInvalid',
    field: path.text,
    message: `Invalid value: ${show(value)}: must be of type ${expected}`,
  };
}

/** One line per error, as kube-apiserver joins them into a Status message. */
export function summary(errors: readonly FieldError[]): string {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  return parts.length === 1 ? (parts[0] as string) : `[${parts.join(', ')}]`;
}
