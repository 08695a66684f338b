import type { AuthorizationV1Api, V1SubjectAccessReview } from '@kubernetes/client-node';
import t from 'tap';
import { reviewSpec, SubjectAccessReviewAuthorizer } from '../../../../../apiserver/src/server/auth/authz.ts';
import { requestInfo } from '../../../../../apiserver/src/server/requestinfo.ts';

const alice = { username: 'alice', groups: ['devs', 'system:authenticated'], extra: { scopes: ['x'] } };
const path = '/apis/apps.kubehpc.dev/v1alpha1/namespaces/climate/projectservices';

/** A fake kube-apiserver that allows what `rule` says and counts the reviews it answers. */
function fakeApi(rule: (spec: NonNullable<V1SubjectAccessReview['spec']>) => boolean) {
  const asked: Array<NonNullable<V1SubjectAccessReview['spec']>> = [];
  const api = {
    createSubjectAccessReview: async ({ body }: { body: V1SubjectAccessReview }) => {
      const spec = body.spec as NonNullable<V1SubjectAccessReview['spec']>;
      asked.push(spec);
      return { ...body, status: { allowed: rule(spec), reason: 'test' } };
    },
  } as unknown as AuthorizationV1Api;
  return { api, asked };
}

t.test('the review carries the user and the resource attributes', async (t) => {
  t.same(reviewSpec(alice, requestInfo('PUT', `${path}/portal/scale`)), {
    user: 'alice',
    groups: ['devs', 'system:authenticated'],
    extra: { scopes: ['x'] },
    resourceAttributes: {
      verb: 'update',
      group: 'apps.kubehpc.dev',
      version: 'v1alpha1',
      resource: 'projectservices',
      subresource: 'scale',
      namespace: 'climate',
      name: 'portal',
    },
  });
  t.same(reviewSpec(alice, requestInfo('GET', '/openapi/v2')).nonResourceAttributes, {
    path: '/openapi/v2',
    verb: 'get',
  });
});

t.test('a resource-wide allow covers every name; a denial is asked again by name', async (t) => {
  const wide = fakeApi((spec) => spec.resourceAttributes?.name === undefined);
  const authorizer = new SubjectAccessReviewAuthorizer(wide.api);
  t.equal((await authorizer.authorize(alice, requestInfo('GET', `${path}/a`))).allowed, true);
  t.equal((await authorizer.authorize(alice, requestInfo('GET', `${path}/b`))).allowed, true);
  t.equal(wide.asked.length, 1, 'one cached review served both names');

  const named = fakeApi((spec) => spec.resourceAttributes?.name === 'mine');
  const byName = new SubjectAccessReviewAuthorizer(named.api);
  t.equal(
    (await byName.authorize(alice, requestInfo('GET', `${path}/mine`))).allowed,
    true,
    'resourceNames rules still work',
  );
  t.equal((await byName.authorize(alice, requestInfo('GET', `${path}/other`))).allowed, false);
  t.equal((await byName.authorize(alice, requestInfo('GET', `${path}/other`))).allowed, false);
  t.equal(named.asked.length, 3, 'the wide denial and each named answer are cached');
});
