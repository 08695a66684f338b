// Which errors `--wait` rides out and which end it.

import t from 'tap';
import { ApiError, UnreachableError } from '../../../common/kube/client.ts';
import { isTransient } from '../../../kubectl-plugin/src/deploy/wait.ts';

const api = (code: number) => new ApiError(code, 'x', 'x', [], 'GET', '/apis/x');

t.test('"try again" answers and a lost connection are retried', async (t) => {
  for (const code of [429, 502, 503, 504]) t.ok(isTransient(api(code)), `HTTP ${code}`);
  t.ok(isTransient(new UnreachableError('https://127.0.0.1:6443', 'ECONNREFUSED')));
});

t.test('answers that will not change by waiting end the wait', async (t) => {
  for (const code of [400, 401, 403, 404, 409, 422, 500]) t.notOk(isTransient(api(code)), `HTTP ${code}`);
  t.notOk(isTransient(new Error('boom')));
});
