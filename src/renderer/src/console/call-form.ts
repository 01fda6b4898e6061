/**
 * The RPC console's form, checked before anything is sent: each field's problem in words
 * (bad JSON with its line and column, args that are not an array, kwargs that are not an
 * object, a payload or timeout past the contract's bounds), or the rpcCall request.
 */
import {
  DEFAULT_RPC_TIMEOUT_MS,
  MAX_RPC_NAME_LENGTH,
  MAX_RPC_TIMEOUT_MS,
  parseRpcArgs,
  parseRpcKwargs,
  rpcPayloadProblem
} from '../../../shared/contract'
import type { OperationRequest } from '../../../shared/contract'

export interface CallFields {
  service: string
  method: string
  /** JSON text; empty means []. */
  args: string
  /** JSON text; empty means {}. */
  kwargs: string
  /** Seconds, as typed. */
  timeoutSeconds: string
}

export type CallProblems = Partial<Record<keyof CallFields, string>>
export type CallRequest = Required<OperationRequest<'rpcCall'>>
export type CallCheck = { ok: true; request: CallRequest } | { ok: false; problems: CallProblems }

export const DEFAULT_TIMEOUT_SECONDS = DEFAULT_RPC_TIMEOUT_MS / 1000

export function checkCall(fields: CallFields): CallCheck {
  const problems: CallProblems = {}
  const service = fields.service.trim()
  const method = fields.method.trim()
  const serviceProblem = nameProblem('service', service)
  const methodProblem = nameProblem('method', method)
  if (serviceProblem !== null) problems.service = serviceProblem
  if (methodProblem !== null) problems.method = methodProblem
  const args = parseRpcArgs(fields.args)
  const kwargs = parseRpcKwargs(fields.kwargs)
  if (!args.ok) problems.args = args.problem
  if (!kwargs.ok) problems.kwargs = kwargs.problem
  const tooLarge = args.ok && kwargs.ok ? rpcPayloadProblem(args.value, kwargs.value) : null
  if (tooLarge !== null) problems.args = tooLarge
  const timeoutMs = timeoutOf(fields.timeoutSeconds)
  if (timeoutMs === null)
    problems.timeoutSeconds = `The timeout is a number of seconds from 0.001 to ${MAX_RPC_TIMEOUT_MS / 1000}.`
  if (!args.ok || !kwargs.ok || timeoutMs === null || Object.keys(problems).length > 0) return { ok: false, problems }
  return { ok: true, request: { service, method, args: args.value, kwargs: kwargs.value, timeoutMs } }
}

function nameProblem(what: string, name: string): string | null {
  if (name === '') return `Type a ${what} name first.`
  if (name.length > MAX_RPC_NAME_LENGTH)
    return `A ${what} name is at most ${MAX_RPC_NAME_LENGTH} characters; this one is ${name.length}.`
  return null
}

/** Whole milliseconds within the contract's bounds, or null. */
function timeoutOf(text: string): number | null {
  const seconds = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(seconds)) return null
  const ms = Math.round(seconds * 1000)
  return ms >= 1 && ms <= MAX_RPC_TIMEOUT_MS ? ms : null
}
