// The device plugin's config file (YAML or JSON): the resource pools and their selectors.
// Parsing is strict, so a typo is an error rather than a selector that silently matches
// everything; every problem names the entry at fault. Pure: the caller reads the file.

import { parse } from 'yaml';
import { ERROR_CODES, type Problem, problem, type Result } from '../errors.ts';
import { type PfSelector, parsePfSelector, type Selectors } from './selectors.ts';

export interface PoolConfig {
  /** Extended resource name, e.g. kubehpc.dev/sriov-vf. */
  resourceName: string;
  selectors: Selectors;
}

export interface PluginConfig {
  pools: PoolConfig[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HEX_ID = /^(?:0x)?[0-9a-fA-F]{4}$/;
const DRIVER = /^[A-Za-z0-9_.-]+$/;
const SELECTOR_FIELDS = ['vendors', 'devices', 'drivers', 'pfNames'] as const;

/** Why a name is not an extended resource name the kubelet accepts, or undefined if it is. */
export function resourceNameProblem(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash === -1) return `"${name}" must be <domain>/<name>, e.g. kubehpc.dev/sriov-vf`;
  const domain = name.slice(0, slash);
  const local = name.slice(slash + 1);
  if (domain.length > 253 || !DNS_SUBDOMAIN.test(domain)) return `"${domain}" is not a DNS subdomain`;
  if (domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io') || domain === 'requests') {
    return `"${domain}" is reserved for Kubernetes`;
  }
  if (local.length > 63 || !QUALIFIED_NAME.test(local)) {
    return `"${local}" must be 1-63 letters, digits, - _ . starting and ending alphanumeric`;
  }
  return undefined;
}

function stringList(
  value: unknown,
  at: string,
  problems: Problem[],
  check: (item: string, itemAt: string) => boolean,
): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(problem(ERROR_CODES.CONFIG_INVALID, 'must be a non-empty list of strings', at));
    return undefined;
  }
  const items: string[] = [];
  value.forEach((item, i) => {
    if (typeof item !== 'string') {
      problems.push(problem(ERROR_CODES.CONFIG_INVALID, 'must be a string', `${at}[${i}]`));
    } else if (check(item, `${at}[${i}]`)) {
      items.push(item);
    }
  });
  return items;
}

function parseSelectors(value: unknown, at: string, problems: Problem[]): Selectors {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(problem(ERROR_CODES.CONFIG_INVALID, 'must be a mapping of selector lists', at));
    return {};
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(SELECTOR_FIELDS as readonly string[]).includes(key)) {
      problems.push(
        problem(
          ERROR_CODES.CONFIG_INVALID,
          `unknown selector "${key}"; known: ${SELECTOR_FIELDS.join(', ')}`,
          `${at}.${key}`,
        ),
      );
    }
  }
  const selectors: Selectors = {};
  const hexIds = (field: 'vendors' | 'devices') =>
    stringList(record[field], `${at}.${field}`, problems, (item, itemAt) => {
      if (HEX_ID.test(item)) return true;
      problems.push(problem(ERROR_CODES.CONFIG_INVALID, `"${item}" is not a 4-digit hex PCI id`, itemAt));
      return false;
    })?.map((id) => id.replace(/^0x/, '').toLowerCase());
  if (record.vendors !== undefined) {
    const vendors = hexIds('vendors');
    if (vendors) selectors.vendors = vendors;
  }
  if (record.devices !== undefined) {
    const devices = hexIds('devices');
    if (devices) selectors.devices = devices;
  }
  if (record.drivers !== undefined) {
    const drivers = stringList(record.drivers, `${at}.drivers`, problems, (item, itemAt) => {
      if (DRIVER.test(item)) return true;
      problems.push(problem(ERROR_CODES.CONFIG_INVALID, `"${item}" is not a driver name`, itemAt));
      return false;
    });
    if (drivers) selectors.drivers = drivers;
  }
  if (record.pfNames !== undefined) {
    const pfNames: PfSelector[] = [];
    stringList(record.pfNames, `${at}.pfNames`, problems, (item, itemAt) => {
      const parsed = parsePfSelector(item);
      if (typeof parsed === 'string') {
        problems.push(problem(ERROR_CODES.CONFIG_INVALID, parsed, itemAt));
        return false;
      }
      pfNames.push(parsed);
      return true;
    });
    selectors.pfNames = pfNames;
  }
  return selectors;
}

/** Parses and checks a config document; returns every problem found, not just the first. */
export function parseConfig(text: string): Result<PluginConfig> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [problem(ERROR_CODES.CONFIG_UNREADABLE, `not YAML or JSON: ${(error as Error).message}`)],
    };
  }
  const problems: Problem[] = [];
  const pools = (doc as { pools?: unknown } | null)?.pools;
  if (!Array.isArray(pools) || pools.length === 0) {
    return {
      ok: false,
      problems: [problem(ERROR_CODES.CONFIG_INVALID, 'must be a non-empty list of pools', 'pools')],
    };
  }
  for (const key of Object.keys(doc as object)) {
    if (key !== 'pools') {
      problems.push(problem(ERROR_CODES.CONFIG_INVALID, `unknown field "${key}"`, key));
    }
  }
  const seen = new Set<string>();
  const parsed: PoolConfig[] = [];
  pools.forEach((pool: unknown, i) => {
    const at = `pools[${i}]`;
    if (typeof pool !== 'object' || pool === null || Array.isArray(pool)) {
      problems.push(problem(ERROR_CODES.CONFIG_INVALID, 'must be a mapping', at));
      return;
    }
    const record = pool as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'resourceName' && key !== 'selectors') {
        problems.push(problem(ERROR_CODES.CONFIG_INVALID, `unknown field "${key}"`, `${at}.${key}`));
      }
    }
    const name = record.resourceName;
    if (typeof name !== 'string') {
      problems.push(problem(ERROR_CODES.CONFIG_INVALID, 'must be a string', `${at}.resourceName`));
    } else {
      const why = resourceNameProblem(name);
      if (why) problems.push(problem(ERROR_CODES.CONFIG_INVALID, why, `${at}.resourceName`));
      else if (seen.has(name)) {
        problems.push(problem(ERROR_CODES.CONFIG_INVALID, `"${name}" is used twice`, `${at}.resourceName`));
      }
      seen.add(name);
    }
    const selectors = parseSelectors(record.selectors, `${at}.selectors`, problems);
    if (typeof name === 'string') parsed.push({ resourceName: name, selectors });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { pools: parsed } };
}
