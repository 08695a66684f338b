// kubectl's JSONPath templates, the part people use: literal text, {.a.b}, {.list[0]},
// {.list[*].x}, {['key.with.dots']}, {range .items[*]}…{end}, and "\n"/"\t" escapes.
// Evaluation is pure; a malformed template is a JsonPathError before anything is printed.

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

type Node = { text: string } | { path: string } | { range: string; body: Node[] };

/** Splits a template into literal text, expressions and range blocks. */
export function parseTemplate(template: string): Node[] {
  const tokens: ({ text: string } | { expr: string })[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      tokens.push({ text: template.slice(i) });
      break;
    }
    if (open > i) tokens.push({ text: template.slice(i, open) });
    const close = template.indexOf('}', open);
    if (close < 0) throw new JsonPathError(`unclosed "{" in the JSONPath template "${template}"`);
    tokens.push({ expr: template.slice(open + 1, close).trim() });
    i = close + 1;
  }
  const stack: { range: string; body: Node[] }[] = [];
  const root: Node[] = [];
  const sink = () => stack.at(-1)?.body ?? root;
  for (const token of tokens) {
    if ('text' in token) sink().push({ text: token.text.replace(/\\n/g, '\n').replace(/\\t/g, '\t') });
    else if (token.expr.startsWith('range ')) stack.push({ range: token.expr.slice(6).trim(), body: [] });
    else if (token.expr === 'end') {
      const done = stack.pop();
      if (!done) throw new JsonPathError('{end} without {range}');
      sink().push(done);
    } else if (/^".*"$/.test(token.expr)) sink().push({ text: JSON.parse(token.expr) as string });
    else sink().push({ path: token.expr });
  }
  if (stack.length > 0) throw new JsonPathError('{range} without {end}');
  return root;
}

/** The values a path selects from `data` (a path starts with "." or "@" or "$"). Pure. */
export function select(data: unknown, path: string): unknown[] {
  let rest = path.replace(/^[$@]/, '');
  let current: unknown[] = [data];
  while (rest.length > 0) {
    const key = rest.match(/^\.([A-Za-z0-9_-]+)/) ?? rest.match(/^\[['"]([^'"]+)['"]\]/);
    const all = rest.match(/^\[\*\]/) ?? rest.match(/^\.\*/);
    const index = rest.match(/^\[(-?\d+)\]/);
    const m = key ?? all ?? index;
    if (key) {
      const k = key[1] as string;
      current = current.flatMap((v) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, k)
          ? [(v as Record<string, unknown>)[k]]
          : [],
      );
    } else if (all) {
      current = current.flatMap((v) =>
        Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [],
      );
    } else if (index) {
      const i = Number(index[1]);
      current = current.flatMap((v) => (Array.isArray(v) && v.at(i) !== undefined ? [v.at(i)] : []));
    }
    if (!m) {
      if (rest === '.') break;
      throw new JsonPathError(`unsupported JSONPath at "${rest}" in "${path}"`);
    }
    rest = rest.slice(m[0].length);
  }
  return current;
}

const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

function evaluate(nodes: Node[], data: unknown): string {
  let out = '';
  for (const node of nodes) {
    if ('text' in node) out += node.text;
    else if ('path' in node) out += select(data, node.path).map(show).join(' ');
    else for (const item of select(data, node.range)) out += evaluate(node.body, item);
  }
  return out;
}

/** Applies a kubectl-style JSONPath template to data. Pure. */
export function jsonPath(template: string, data: unknown): string {
  return evaluate(parseTemplate(template), data);
}
