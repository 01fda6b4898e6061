/**
 * Compose's variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, and `$$` for a literal `$`.
 */

export class InterpolationError extends Error {
  override name = 'InterpolationError'
}

const PATTERN = /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([^}]*)\}|)/g
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([\s\S]*))?$/

export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(
    PATTERN,
    (match, dollar: string | undefined, bare: string | undefined, braced: string | undefined) => {
      if (dollar !== undefined) return '$'
      if (bare !== undefined) return env[bare] ?? ''
      if (braced === undefined)
        throw new InterpolationError(
          `Invalid interpolation format "${text}": a lone "$" (write "$$" for a literal dollar sign)`
        )
      const parts = BRACED.exec(braced)
      if (parts === null) throw new InterpolationError(`Invalid interpolation format "${match}" in "${text}"`)
      const [, name = '', op, arg = ''] = parts
      const value = env[name]
      switch (op) {
        case undefined:
          return value ?? ''
        case ':-':
          return value === undefined || value === '' ? interpolate(arg, env) : value
        case '-':
          return value === undefined ? interpolate(arg, env) : value
        case ':?':
          if (value === undefined || value === '')
            throw new InterpolationError(`Required variable ${name} is missing or empty: ${arg}`)
          return value
        case '?':
          if (value === undefined) throw new InterpolationError(`Required variable ${name} is missing: ${arg}`)
          return value
        default:
          throw new InterpolationError(`Invalid interpolation format "${match}"`)
      }
    }
  )
}

/** Interpolates every string in a parsed YAML tree, calling `onError(path, err)` for failures. */
export function interpolateTree(
  node: unknown,
  env: Readonly<Record<string, string | undefined>>,
  onError: (path: (string | number)[], err: InterpolationError) => void,
  path: (string | number)[] = []
): unknown {
  if (typeof node === 'string') {
    try {
      return interpolate(node, env)
    } catch (err) {
      if (err instanceof InterpolationError) {
        onError(path, err)
        return node
      }
      throw err
    }
  }
  if (Array.isArray(node)) return node.map((item, i) => interpolateTree(item, env, onError, [...path, i]))
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) out[key] = interpolateTree(value, env, onError, [...path, key])
    return out
  }
  return node
}
