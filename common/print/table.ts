// Renders the API server's Table responses (meta.k8s.io/v1 Table) the way kubectl does, so
// `kubectl get` and kubehpc's tools always agree on columns: upper-case headers, columns
// padded by three spaces, priority>0 columns only when wide, a NAMESPACE column across
// namespaces, "date" cells as ages. Pure: the clock is passed in.

export interface TableColumn {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
  description?: string;
}

export interface TableRow {
  cells: unknown[];
  object?: { metadata?: { name?: string; namespace?: string } };
}

export interface Table {
  kind: 'Table';
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** Prepend a NAMESPACE column (listing across namespaces). */
  withNamespace?: boolean;
  now?: number;
}

export const isTable = (v: unknown): v is Table =>
  typeof v === 'object' &&
  v !== null &&
  (v as { kind?: unknown }).kind === 'Table' &&
  Array.isArray((v as { columnDefinitions?: unknown }).columnDefinitions);

/** kubectl's short human durations ("45s", "3m20s", "5h", "12d"). Pure. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function cellText(cell: unknown, column: TableColumn, now: number): string {
  if (cell === null || cell === undefined) return '<none>';
  if ((column.type === 'date' || column.format === 'date') && typeof cell === 'string') {
    const at = Date.parse(cell);
    return Number.isNaN(at) ? cell : humanDuration(now - at);
  }
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}

/** Lays out rows of cells in columns three spaces apart (the last column unpadded). Pure. */
export function layoutColumns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join(''),
    )
    .map((line) => line.trimEnd())
    .join('\n');
}

/** The table as text (no trailing newline); empty when there are no rows. Pure. */
export function renderTable(table: Table, o: TableOptions = {}): string {
  const now = o.now ?? Date.now();
  const shown = table.columnDefinitions
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => o.wide || !column.priority);
  const lines: string[][] = [];
  if (!o.noHeaders)
    lines.push([
      ...(o.withNamespace ? ['NAMESPACE'] : []),
      ...shown.map(({ column }) => column.name.toUpperCase()),
    ]);
  for (const row of table.rows) {
    const cells = shown.map(({ column, index }) => cellText(row.cells[index], column, now));
    lines.push([...(o.withNamespace ? [row.object?.metadata?.namespace ?? ''] : []), ...cells]);
  }
  return table.rows.length === 0 ? '' : layoutColumns(lines);
}
