// Reading a failed API call: code, Status reason and message, and whether a retry can help.

import t from 'tap';
import {
  apiFailure,
  isNamespaceTerminating,
  isPermanent,
} from '../../../../apiserver/src/controllers/errors.ts';
import { apiError } from '../../../../common/kube/client.ts';

t.test('a client-node ApiException with a Status body', async (t) => {
  const failure = apiFailure({
    code: 422,
    message: 'HTTP-Code: 422',
    body: JSON.stringify({ kind: 'Status', reason: 'Invalid', message: 'spec.replicas: Invalid value' }),
  });
  t.same(failure, { code: 422, reason: 'Invalid', message: 'spec.replicas: Invalid value', causes: [] });
  t.ok(isPermanent(failure), 'the spec must change first');
});

t.test('conflicts, server errors and network errors are worth retrying', async (t) => {
  t.notOk(isPermanent(apiFailure({ code: 409, body: { reason: 'Conflict', message: 'stale' } })));
  t.notOk(isPermanent(apiFailure({ code: 503, body: 'not json' })));
  const network = apiFailure(new Error('connect ECONNREFUSED'));
  t.same(network, { code: 0, reason: 'NetworkError', message: 'connect ECONNREFUSED', causes: [] });
  t.notOk(isPermanent(network));
});

t.test('a namespace being deleted is told apart from other refusals', async (t) => {
  const terminating = apiFailure({
    code: 403,
    body: JSON.stringify({
      reason: 'Forbidden',
      message: 'unable to create new content in namespace a because it is being terminated',
      details: { causes: [{ reason: 'NamespaceTerminating', message: 'namespace a is being terminated' }] },
    }),
  });
  t.ok(isNamespaceTerminating(terminating));
  t.notOk(isNamespaceTerminating(apiFailure({ code: 403, body: { reason: 'Forbidden', message: 'RBAC' } })));
});

t.test("common/kube's ApiError reads the same as client-node's errors", async (t) => {
  const error = apiError(
    403,
    JSON.stringify({
      kind: 'Status',
      reason: 'Forbidden',
      message: 'namespace a is being terminated',
      details: { causes: [{ reason: 'NamespaceTerminating' }] },
    }),
    'PATCH',
    '/api/v1/namespaces/a/configmaps/x',
  );
  const failure = apiFailure(error);
  t.same(failure, {
    code: 403,
    reason: 'Forbidden',
    message: 'namespace a is being terminated',
    causes: ['NamespaceTerminating'],
  });
  t.ok(isPermanent(failure));
  t.ok(isNamespaceTerminating(failure));
  t.equal(apiFailure(apiError(503, 'busy', 'GET', '/x')).reason, 'HTTP503', 'no Status: the code names it');
});
