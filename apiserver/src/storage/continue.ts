// Continue tokens of paginated lists: the snapshot revision and the key to resume from,
// encoded as kube-apiserver does (base64 JSON with a version marker), so a client resuming
// a list sees the same snapshot. Pure.

import { errors } from '../../../common/apis/meta/errors.ts';

interface Token {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, nextKeyRelative: string): string {
  const token: Token = { v: 'meta.k8s.io/v1', rv: revision, start: nextKeyRelative };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The revision and relative start key of a token; 400 BadRequest when it is not one of ours. */
export function decodeContinue(text: string): { revision: number; start: string } {
  let token: Partial<Token>;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Token>;
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  if (token.v !== 'meta.k8s.io/v1')
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  if (typeof token.rv !== 'number' || !Number.isInteger(token.rv) || token.rv <= 0) {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (
    typeof token.start !== 'string' ||
    token.start === '' ||
    token.start.includes('..') ||
    token.start.startsWith('/')
  ) {
    throw errors.badRequest('continue key is not valid: encoded start key is not valid');
  }
  return { revision: token.rv, start: token.start };
}
