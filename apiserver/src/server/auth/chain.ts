// The authentication chain, in kube-apiserver's order: a client certificate (or a
// front-proxy's request headers vouched for by one), then a bearer token through
// TokenReview. The first authenticator that recognises the request decides; a request no
// authenticator recognises is 401. Knows nothing of HTTP beyond the headers it reads.

import type { X509Certificate } from 'node:crypto';
import { errors } from '../../../../common/apis/meta/errors.ts';
import type { AuthConfig } from './authconfig.ts';
import { authenticateCertificate, type UserInfo, withAuthenticatedGroup } from './authn.ts';
import type { TokenReviewAuthenticator } from './tokenreview.ts';

export type Authenticate = (
  cert: X509Certificate | undefined,
  headers: Record<string, string | string[] | undefined>,
) => Promise<UserInfo>;

export function authenticationChain(
  config: () => AuthConfig | undefined,
  tokens: Pick<TokenReviewAuthenticator, 'authenticate'>,
): Authenticate {
  return async (cert, headers) => {
    const current = config();
    if (!current) throw errors.unavailable('authentication configuration is not loaded yet');
    const outcome = authenticateCertificate(cert, headers, current);
    if (outcome.kind === 'user') return outcome.user;
    if (outcome.kind === 'rejected') throw errors.unauthorized();
    const auth = headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (token) {
      const user = await tokens.authenticate(token);
      if (user) return withAuthenticatedGroup(user);
    }
    throw errors.unauthorized();
  };
}
