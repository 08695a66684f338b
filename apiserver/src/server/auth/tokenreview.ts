// Bearer tokens authenticated by kube-apiserver's TokenReview, cached for a short time.
// A review that cannot be made (kube-apiserver unreachable, refusing us) is not a verdict
// on the token: it is a 503 for the client and a logged error for the operator, never a
// 401 that would send a correct client off to re-authenticate.

import { createHash } from 'node:crypto';
import type { AuthenticationV1Api } from '@kubernetes/client-node';
import { errors } from '../../../../common/apis/meta/errors.ts';
import { TtlCache } from '../ttlcache.ts';
import type { UserInfo } from './authn.ts';

const TTL_MS = 10_000;

type ReviewApi = Pick<AuthenticationV1Api, 'createTokenReview'>;

export class TokenReviewAuthenticator {
  readonly #api: ReviewApi;
  readonly #log: (message: string) => void;
  readonly #cache = new TtlCache<UserInfo | null>();

  /** `log` receives what the operator must see: a review that could not be made. */
  constructor(api: ReviewApi, log: (message: string) => void) {
    this.#api = api;
    this.#log = log;
  }

  async authenticate(token: string): Promise<UserInfo | undefined> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const review = await this.#api
      .createTokenReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      })
      .catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        this.#log(`TokenReview failed, answering 503: ${why}`);
        throw errors.unavailable(`the token could not be reviewed: ${why.split('\n')[0]}`);
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
