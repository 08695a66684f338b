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
/** Decimal suffixes as powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** number × 10^exponent, dividing for negative exponents so 100n is exactly 1e-7. */
function scale(number: number, exponent: number): number {
  return exponent >= 0 ? number * 10 ** exponent : number / 10 ** -exponent;
}

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
  if (suffix !== undefined) {
    const binary = BINARY[suffix];
    return binary !== undefined ? number * binary : scale(number, DECIMAL[suffix] ?? Number.NaN);
  }
  if (match[3] !== undefined) return scale(number, Number(match[3]));
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
