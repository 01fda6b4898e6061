/**
 * An error → the API's answer: the HTTP status of its kind and `{ error: { kind, message, hint } }`
 * (src/shared/error-kinds.ts has both; src/services/error-values.ts finds the kind). What no
 * service raises on purpose is a 500 Internal whose message stays in the log.
 */
import { ERROR_RULES, hintFor } from '../../shared/error-kinds'
import type { ErrorKind } from '../../shared/error-kinds'
import type { ApiErrorBody } from '../../shared/lookup'
import { serviceErrorValue } from '../error-values'

export interface ErrorResponse {
  status: number
  body: ApiErrorBody
}

/** The error kind the API answers for an error. */
export function errorKind(err: unknown): ErrorKind {
  return serviceErrorValue(err)?.kind ?? 'Internal'
}

export function errorResponse(err: unknown): ErrorResponse {
  const value = serviceErrorValue(err) ?? { kind: 'Internal' as const, message: 'Internal error', hint: null }
  return {
    status: ERROR_RULES[value.kind].status,
    body: { error: { kind: value.kind, message: value.message, hint: hintFor(value.kind, value.hint) ?? '' } }
  }
}
