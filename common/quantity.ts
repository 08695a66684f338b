// Kubernetes resource quantities ("500m", "4Gi", "1.5e3"): parsing and validation following
// the grammar of k8s.io/apimachinery's resource.Quantity. Values come back as JavaScript
// numbers, exact for every integer up to 2^53 (8 PiB of bytes), which covers what kubehpc
// compares: CPUs, memory, disk and device counts.

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export class QuantityError extends Error {
  readonly input: string;
  constructor(input: string) {
    super(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got "${input}"`,
    );
    this.name = 'QuantityError';
    this.input = input;
  }
}

/** The value of a quantity string, or a QuantityError saying why it is not one. */
export function parseQuantity(input: string): number {
  const match = QUANTITY.exec(input.trim() === input ? input : '');
  if (!match || match[1] === undefined) throw new QuantityError(input);
  const number = Number(match[1]);
  const suffix = match[2];
  if (suffix !== undefined) return number * (BINARY[suffix] ?? DECIMAL[suffix] ?? Number.NaN);
  if (match[3] !== undefined) return number * 10 ** Number(match[3]);
  return number;
}

export function isQuantity(input: string): boolean {
  return QUANTITY.test(input);
}

/** The canonical-ish string of a byte count: the largest binary suffix that divides it. */
export function formatBytes(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const unit = BINARY[suffix] as number;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
