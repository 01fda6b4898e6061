/** The command line of the one-shot RPC CLI (cli.ts), parsed without side effects. */

export interface CliCall {
  service: string
  method: string
  args: unknown[]
  kwargs: Record<string, unknown>
}

/** Parses the command line, or returns why it is unusable. */
export function parseCliArgs(argv: readonly string[]): CliCall | { error: string } {
  const [target, argsJson = '[]', kwargsJson = '{}', ...extra] = argv
  if (target === undefined) return { error: 'missing <service>.<method>' }
  if (extra.length > 0) return { error: `unexpected extra arguments: ${extra.join(' ')}` }
  const match = /^([^.\s]+)\.([^.\s]+)$/.exec(target)
  if (match === null) return { error: `"${target}" is not <service>.<method>` }
  let args: unknown
  let kwargs: unknown
  try {
    args = JSON.parse(argsJson)
  } catch {
    return { error: `args is not valid JSON: ${argsJson}` }
  }
  try {
    kwargs = JSON.parse(kwargsJson)
  } catch {
    return { error: `kwargs is not valid JSON: ${kwargsJson}` }
  }
  if (!Array.isArray(args)) return { error: 'args must be a JSON array' }
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs))
    return { error: 'kwargs must be a JSON object' }
  return { service: match[1] as string, method: match[2] as string, args, kwargs: kwargs as Record<string, unknown> }
}
