/** Exponential backoff with a cap: base, 2×base, 4×base… never more than max. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const exponent = Math.max(0, Math.min(attempt, 30))
  return Math.min(maxMs, baseMs * 2 ** exponent)
}
