// Bearer tokens authenticated by kube-apiserver's TokenReview, cached for a short time.

import { createHash } from 'node:crypto';
import type { AuthenticationV1Api } from '@kubernetes/client-node';
import type { UserInfo } from './authn.ts';
import { TtlCache } from './ttlcache.ts';

const TTL_MS = 10_000;

export class TokenReviewAuthenticator {
  readonly #api: AuthenticationV1Api;
  readonly #cache = new TtlCache<UserInfo | null>();

  constructor(api: AuthenticationV1Api) {
    this.#api = api;
  }

  async authenticate(token: string): Promise<UserInfo | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const review = await this.#api.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const u = review.status?.user;
    const user: UserInfo | null =
      review.status?.authenticated && u?.username
        ? {
            username: u.username,
            ...(u.uid ? { uid: u.uid } : {}),
            groups: u.groups ?? [],
            extra: u.extra ?? {},
          }
        : null;
    this.#cache.set(key, user, TTL_MS);
    return user ?? undefined;
  }
}
