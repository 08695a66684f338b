// Authorization of every request by kube-apiserver through SubjectAccessReview, so native
// RBAC Roles decide who may do what with ProjectServices and ScalingPolicies. Allowed and
// denied answers are cached briefly (10 s and 5 s, kube-apiserver's webhook defaults are
// similar) so a burst of requests costs one review.

import type { AuthorizationV1Api, V1SubjectAccessReview } from '@kubernetes/client-node';
import type { RequestInfo } from '../requestinfo.ts';
import { TtlCache } from '../ttlcache.ts';
import type { UserInfo } from './authn.ts';

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface Authorizer {
  authorize(user: UserInfo, info: RequestInfo): Promise<Decision>;
}

const ALLOW_TTL_MS = 10_000;
const DENY_TTL_MS = 5_000;

/** The SubjectAccessReview spec for a request. Pure. */
export function reviewSpec(user: UserInfo, info: RequestInfo): NonNullable<V1SubjectAccessReview['spec']> {
  return {
    user: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: user.groups,
    extra: user.extra,
    ...(info.isResourceRequest
      ? {
          resourceAttributes: {
            verb: info.verb,
            group: info.group,
            version: info.version,
            resource: info.resource,
            ...(info.subresource ? { subresource: info.subresource } : {}),
            ...(info.namespace ? { namespace: info.namespace } : {}),
            ...(info.name ? { name: info.name } : {}),
          },
        }
      : { nonResourceAttributes: { path: info.path, verb: info.verb } }),
  };
}

export class SubjectAccessReviewAuthorizer implements Authorizer {
  readonly #api: AuthorizationV1Api;
  readonly #cache = new TtlCache<Decision>();

  constructor(api: AuthorizationV1Api) {
    this.#api = api;
  }

  async authorize(user: UserInfo, info: RequestInfo): Promise<Decision> {
    // RBAC only ever allows, and a rule without resourceNames allows every name: when the
    // verb is allowed on the whole resource, it is allowed on each object. Asking that first
    // lets one cached answer cover gets of many objects; a denial is asked again by name.
    if (info.isResourceRequest && info.name) {
      const { name: _name, ...broad } = info;
      const wide = await this.#review(user, broad);
      if (wide.allowed) return wide;
    }
    return this.#review(user, info);
  }

  async #review(user: UserInfo, info: RequestInfo): Promise<Decision> {
    const spec = reviewSpec(user, info);
    const key = JSON.stringify(spec);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const review = await this.#api.createSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
    });
    const decision = { allowed: review.status?.allowed === true, reason: review.status?.reason ?? '' };
    this.#cache.set(key, decision, decision.allowed ? ALLOW_TTL_MS : DENY_TTL_MS);
    return decision;
  }
}
