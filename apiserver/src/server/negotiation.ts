// Content negotiation, as kube-apiserver does it: which representation the client accepts
// (JSON, YAML, a server-side Table, metadata-only PartialObjectMetadata, the aggregated
// discovery document), and how to read a request body by its Content-Type. Pure.

import { parse as parseYaml } from 'yaml';
import { checkDepth } from '../../../common/apis/depth.ts';
import { errors } from '../../../common/apis/meta/errors.ts';
import type { PatchType } from '../registry/types.ts';
import { decodeScale, PROTOBUF_MEDIA_TYPE } from './protobuf.ts';

export type As = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | 'APIGroupDiscoveryList';

export interface Representation {
  /** protobuf only where the endpoint offers it (the scale subresource: protobuf.ts). */
  format: 'json' | 'yaml' | 'protobuf';
  as?: As;
}

export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml'];

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function mediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const record: Record<string, string> = {};
      for (const p of params) {
        const eq = p.indexOf('=');
        if (eq > 0)
          record[p.slice(0, eq).trim()] = p
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
      }
      return { type: type.toLowerCase(), params: record };
    })
    .filter((r) => r.type !== '' && r.params.q !== '0');
}

const VARIANTS: Record<string, { g: string; v: string }> = {
  Table: { g: 'meta.k8s.io', v: 'v1' },
  PartialObjectMetadata: { g: 'meta.k8s.io', v: 'v1' },
  PartialObjectMetadataList: { g: 'meta.k8s.io', v: 'v1' },
  APIGroupDiscoveryList: { g: 'apidiscovery.k8s.io', v: 'v2' },
};

/**
 * The first acceptable representation in the client's order; `allowed` lists the `as=`
 * variants the endpoint can produce. 406 NotAcceptable when nothing fits.
 */
export function negotiate(
  accept: string | undefined,
  allowed: readonly As[],
  options: { protobuf?: boolean } = {},
): Representation {
  if (!accept || accept.trim() === '') return { format: 'json' };
  for (const range of mediaRanges(accept)) {
    if (options.protobuf && range.type === PROTOBUF_MEDIA_TYPE && range.params.as === undefined)
      return { format: 'protobuf' };
    const json = ['application/json', 'application/*', '*/*'].includes(range.type);
    const yaml = range.type === 'application/yaml';
    if (!json && !yaml) continue;
    const as = range.params.as;
    if (as === undefined) return { format: yaml ? 'yaml' : 'json' };
    const variant = Object.hasOwn(VARIANTS, as) ? VARIANTS[as] : undefined;
    if (
      variant &&
      allowed.includes(as as As) &&
      range.params.g === variant.g &&
      range.params.v === variant.v
    ) {
      return { format: yaml ? 'yaml' : 'json', as: as as As };
    }
  }
  throw errors.notAcceptable(SERVED_MEDIA_TYPES);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

export const PATCH_MEDIA_TYPES = [...Object.keys(PATCH_TYPES), 'application/apply-patch+yaml'];

function parseText(text: string, type: string): unknown {
  if (type.endsWith('yaml')) {
    try {
      return parseYaml(text);
    } catch (error) {
      throw errors.badRequest(`error converting YAML to JSON: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

/** A parsed body, refused (400) when it nests deeper than any walk of it may recurse. */
function parseDocument(body: Buffer, type: string): unknown {
  const value = parseText(body.toString('utf8'), type);
  checkDepth(value);
  return value;
}

/**
 * The object in a create/update body (JSON or YAML). A body without a Content-Type is read as
 * JSON, the first media type served, as kube-apiserver does: client-go sends pre-encoded bytes
 * without one (its scale client's PUT, which is how kube-controller-manager's HPA writes a
 * Scale: JSON bytes under an Accept that prefers protobuf).
 */
export function readObjectBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  const type = mediaType(contentType) || 'application/json';
  if (type !== 'application/json' && type !== 'application/yaml') {
    throw errors.unsupportedMediaType(type, SERVED_MEDIA_TYPES);
  }
  if (!body || body.length === 0) throw errors.badRequest('the request body is empty');
  return parseDocument(body, type);
}

/** The Scale in a scale subresource write: JSON, YAML or Kubernetes protobuf. */
export function readScaleBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  if (mediaType(contentType) === PROTOBUF_MEDIA_TYPE) return decodeScale(body);
  return readObjectBody(body, contentType);
}

/** The apply configuration of a server-side apply (application/apply-patch+yaml, YAML or JSON). */
export function readApplyBody(body: Buffer | undefined): unknown {
  if (!body || body.length === 0) throw errors.badRequest('the request body is empty');
  return parseDocument(body, 'application/apply-patch+yaml');
}

/** The patch type and document of a PATCH body. */
export function readPatchBody(
  body: Buffer | undefined,
  contentType: string | undefined,
): { type: PatchType; patch: unknown } {
  const type = mediaType(contentType);
  const patchType = Object.hasOwn(PATCH_TYPES, type) ? PATCH_TYPES[type] : undefined;
  if (!patchType) throw errors.unsupportedMediaType(type, PATCH_MEDIA_TYPES);
  if (!body || body.length === 0) throw errors.badRequest('the request body is empty');
  return { type: patchType, patch: parseDocument(body, type) };
}
