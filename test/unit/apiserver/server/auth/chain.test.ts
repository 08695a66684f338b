// The authentication chain without certificates: configuration not loaded yet (503), a
// bearer token through TokenReview (the user gains system:authenticated), no credentials or
// an unknown token (401), and a TokenReview that fails (its error, not a 401).

import t from 'tap';
import { parseAuthConfig } from '../../../../../apiserver/src/server/auth/authconfig.ts';
import { authenticationChain } from '../../../../../apiserver/src/server/auth/chain.ts';
import { errors, StatusError } from '../../../../../common/apis/meta/errors.ts';

const config = parseAuthConfig({});
const tokens = {
  authenticate: async (token: string) => {
    if (token === 'down') throw errors.unavailable('TokenReview is unavailable');
    return token === 'good' ? { username: 'alice', groups: ['team'], extra: {} } : undefined;
  },
};

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (user) => user,
    (error: unknown) => (error instanceof StatusError ? error.code : error),
  );
}

t.test('a bearer token TokenReview accepts authenticates its user', async (t) => {
  const authenticate = authenticationChain(() => config, tokens);
  t.same(await authenticate(undefined, { authorization: 'Bearer good' }), {
    username: 'alice',
    groups: ['team', 'system:authenticated'],
    extra: {},
  });
});

t.test('no credentials, an unknown token or another scheme are 401', async (t) => {
  const authenticate = authenticationChain(() => config, tokens);
  t.equal(await outcome(authenticate(undefined, {})), 401);
  t.equal(await outcome(authenticate(undefined, { authorization: 'Bearer bad' })), 401);
  t.equal(await outcome(authenticate(undefined, { authorization: 'Basic Z29vZA==' })), 401);
});

t.test('a failing TokenReview passes its error on; no configuration yet is 503', async (t) => {
  t.equal(
    await outcome(authenticationChain(() => config, tokens)(undefined, { authorization: 'Bearer down' })),
    503,
  );
  t.equal(await outcome(authenticationChain(() => undefined, tokens)(undefined, {})), 503);
});
