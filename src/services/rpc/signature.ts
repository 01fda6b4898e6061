/**
 * Binds a Nameko call's `args` and `kwargs` onto a method's declared parameters, the way
 * Python's `inspect.getcallargs` does before a Nameko worker starts, with Python's wording.
 */
import type { RpcMethod } from './types'

export type BindResult = { ok: true; args: unknown[] } | { ok: false; message: string }

/**
 * Returns the positional argument list for the handler (unfilled optional parameters are
 * `undefined`, so JS default parameters apply), or why the call does not fit.
 */
export function bindArguments(
  name: string,
  method: RpcMethod,
  args: readonly unknown[],
  kwargs: Record<string, unknown>
): BindResult {
  const params = method.params
  const required = Math.min(method.required ?? params.length, params.length)

  if (args.length > params.length) {
    const takes = required === params.length ? `${params.length}` : `from ${required} to ${params.length}`
    const noun = params.length === 1 && required === 1 ? 'argument' : 'arguments'
    const were = args.length === 1 ? 'was' : 'were'
    return { ok: false, message: `${name}() takes ${takes} positional ${noun} but ${args.length} ${were} given` }
  }

  const bound: unknown[] = [...args]
  const filled = new Set<number>(args.keys())
  for (const [key, value] of Object.entries(kwargs)) {
    const index = params.indexOf(key)
    if (index === -1) return { ok: false, message: `${name}() got an unexpected keyword argument '${key}'` }
    if (filled.has(index)) return { ok: false, message: `${name}() got multiple values for argument '${key}'` }
    bound[index] = value
    filled.add(index)
  }

  const missing = params.slice(0, required).filter((_, index) => !filled.has(index))
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'argument' : 'arguments'
    return {
      ok: false,
      message: `${name}() missing ${missing.length} required positional ${noun}: ${pythonList(missing)}`
    }
  }

  // Sparse slots (an optional parameter skipped by keyword) become explicit undefineds.
  const last = Math.max(-1, ...filled)
  return { ok: true, args: Array.from({ length: last + 1 }, (_, i) => bound[i]) }
}

/** 'a' | 'a' and 'b' | 'a', 'b', and 'c' — as CPython words it. */
function pythonList(names: readonly string[]): string {
  const quoted = names.map((n) => `'${n}'`)
  if (quoted.length <= 2) return quoted.join(' and ')
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`
}
