/**
 * The stack's generated credentials: the names they go by in the credentials file and in the
 * containers' environment (the names the official rabbitmq and elasticsearch images read, so
 * one file serves both those and our offline images), and how a service or the panel puts
 * them into an endpoint URI. The file itself is src/main/stack/credentials-file.ts.
 */

export const CREDENTIAL_VARIABLES = {
  rabbitmqUser: 'RABBITMQ_DEFAULT_USER',
  rabbitmqPassword: 'RABBITMQ_DEFAULT_PASS',
  elasticPassword: 'ELASTIC_PASSWORD'
} as const

/** Elasticsearch's built-in superuser, whose password ELASTIC_PASSWORD sets. */
export const ELASTIC_USER = 'elastic'

export interface StackCredentials {
  rabbitmqUser: string
  rabbitmqPassword: string
  elasticPassword: string
}

/**
 * The URI with this user and password, unless it names a user already (an explicit URI wins).
 * Both are percent-encoded, so any character survives the trip.
 */
export function withUserinfo(uri: string, user: string | undefined, password: string | undefined): string {
  if (!user) return uri
  const url = new URL(uri)
  if (url.username !== '') return uri
  url.username = encodeURIComponent(user)
  url.password = encodeURIComponent(password ?? '')
  // WHATWG URL adds a "/" to an empty path of special schemes only; keep the text as given otherwise.
  return uri.endsWith('/') || url.pathname !== '/' ? url.toString() : url.toString().replace(/\/$/, '')
}

/** The user and password an endpoint URI carries (decoded), or null when it names none. */
export function userinfoOf(uri: string): { user: string; password: string } | null {
  try {
    const url = new URL(uri)
    return url.username === ''
      ? null
      : { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
  } catch {
    return null
  }
}
