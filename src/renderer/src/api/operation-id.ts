/** An id the renderer picks for a long operation, to match its progress events. */
export function newOperationId(operation: string): string {
  return `${operation}-${crypto.randomUUID()}`
}
