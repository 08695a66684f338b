// Kubernetes' two timestamp formats, written once: metav1.Time (RFC 3339, UTC, whole
// seconds: creationTimestamp, conditions) and metav1.MicroTime (six fractional digits:
// Leases, events.k8s.io Events). Pure.

/** metav1.Time, e.g. `2026-11-29T12:00:01Z`. */
export function metaTime(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** metav1.MicroTime, e.g. `2026-11-29T12:00:01.123000Z` (JavaScript clocks count milliseconds). */
export function microTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
