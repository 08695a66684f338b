import t from 'tap';
import { TokenReviewAuthenticator } from '../../../../../apiserver/src/server/auth/tokenreview.ts';
import { StatusError } from '../../../../../common/apis/meta/errors.ts';

type Review = Parameters<ConstructorParameters<typeof TokenReviewAuthenticator>[0]['createTokenReview']>[0];

t.test('an unreachable kube-apiserver is a logged 503, not a 401', async (t) => {
  const logged: string[] = [];
  const api = {
    createTokenReview: async (_: Review) => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    },
  };
  const tokens = new TokenReviewAuthenticator(api as never, (m) => logged.push(m));
  const error = await tokens.authenticate('abc').then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof StatusError);
  t.equal((error as StatusError).code, 503);
  t.match((error as StatusError).message, /ECONNREFUSED/);
  t.equal(logged.length, 1);
  t.match(logged[0], /TokenReview failed.*ECONNREFUSED/);
});

t.test('a token the review rejects is no user (401 upstream), and the verdict is cached', async (t) => {
  let calls = 0;
  const api = {
    createTokenReview: async (_: Review) => {
      calls++;
      return { spec: {}, status: { authenticated: false } };
    },
  };
  const tokens = new TokenReviewAuthenticator(api as never, () => t.fail('nothing to log'));
  t.equal(await tokens.authenticate('bad'), undefined);
  t.equal(await tokens.authenticate('bad'), undefined);
  t.equal(calls, 1);
});

t.test('an authenticated token is its user', async (t) => {
  const api = {
    createTokenReview: async (_: Review) => ({
      spec: {},
      status: { authenticated: true, user: { username: 'alice', groups: ['dev'] } },
    }),
  };
  const tokens = new TokenReviewAuthenticator(api as never, () => undefined);
  t.same(await tokens.authenticate('good'), { username: 'alice', groups: ['dev'], extra: {} });
});
