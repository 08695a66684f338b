// Syntax checks of the string formats the schemas name (`format: quantity`, …): DNS names,
// label keys and values, image references, cron expressions, IANA time zones, durations,
// PromQL (promql.ts).
// Each returns the list of problems (empty when valid), phrased like apimachinery's
// validation helpers so messages read the same as kube-apiserver's.

import { parseDuration } from '../duration.ts';
import { isQuantity } from '../quantity.ts';
import { cronProblems } from './cron.ts';
import { promql } from './promql.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

export function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

export function dns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

/** IANA_SVC_NAME: how a port may be named (at most 15 characters, at least one letter). */
export function portName(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(value))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (value.includes('--')) errs.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(value)) errs.push('must contain at least one letter (a-z)');
  if (value.startsWith('-') || value.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** A label or annotation key: an optional DNS subdomain prefix and a qualified name. */
export function qualifiedName(value: string): string[] {
  const parts = value.split('/');
  let name = value;
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return errs;
}

export function labelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  }
  return errs;
}

// The grammar of github.com/distribution/reference: [domain[:port]/]path[:tag][@digest].
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
const IMAGE_REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

export function imageReference(value: string): string[] {
  const match = IMAGE_REFERENCE.exec(value);
  if (!match) {
    return [
      'must be a container image reference: [registry[:port]/]repository[:tag][@digest], repository in lower case (e.g. registry.example/team/portal:1.4.2)',
    ];
  }
  if ((match[1] as string).length > 255) return ['repository name must not be more than 255 characters'];
  return [];
}

/** A standard five-field cron expression or a macro, parsed by the library the controller runs. */
export function cronExpression(value: string): string[] {
  return cronProblems(value);
}

const KNOWN_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
// ICU accepts names in any case and canonicalises links (America/Argentina/Buenos_Aires →
// America/Buenos_Aires); Go's time.LoadLocation needs them spelt as in the tz database,
// where every path segment starts with a capital.
const ZONE_SPELLING = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** An IANA time zone name, spelt exactly (as Go's time.LoadLocation needs it). */
export function timeZone(value: string): string[] {
  if (KNOWN_ZONES.has(value)) return [];
  if (ZONE_SPELLING.test(value)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return [];
    } catch {
      // not a zone at all
    }
  }
  return ['unknown time zone: must be an IANA time zone name such as "Europe/Berlin" or "UTC"'];
}

export function duration(value: string): string[] {
  const seconds = parseDuration(value);
  if (seconds === undefined) return ['must be a duration such as "90s", "30m" or "1h30m"'];
  if (seconds <= 0) return ['must be greater than zero'];
  return [];
}

export function quantity(value: string): string[] {
  return isQuantity(value)
    ? []
    : ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"];
}

export function absolutePath(value: string): string[] {
  if (!value.startsWith('/')) return ['must be an absolute path'];
  if (value.split('/').includes('..')) return ["must not contain '..'"];
  if (value.includes(':')) return ["must not contain ':'"];
  return [];
}

/** Keys of config files: what a ConfigMap key may be. */
export function configKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  }
  if (value === '.' || value === '..' || value.startsWith('..'))
    errs.push("must not be '.' or '..' or start with '..'");
  return errs;
}

export function envVarName(value: string): string[] {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)
    ? []
    : [
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      ];
}

/** Every named format a schema may use, by name. */
export const FORMATS: Record<string, (value: string) => string[]> = {
  'dns1123-label': dns1123Label,
  'dns1123-subdomain': dns1123Subdomain,
  'dns1035-label': dns1035Label,
  'port-name': portName,
  'image-reference': imageReference,
  cron: cronExpression,
  'time-zone': timeZone,
  duration,
  quantity,
  'absolute-path': absolutePath,
  'env-var-name': envVarName,
  'qualified-name': qualifiedName,
  'label-value': labelValue,
  promql,
};
