/**
 * Errors cross process boundaries (IPC, WebSocket, CLI) as plain values, never as thrown
 * class instances: a `kind` a program can branch on, a `message` a person can read, and a
 * `hint` saying what to do about it (null when there is nothing useful to add). The kind is
 * the truth every layer goes by (error-kinds.ts).
 */
import { z } from 'zod'
import { ERROR_KINDS, hintFor } from './error-kinds'

/** Every kind an error value may have: the one table's (error-kinds.ts), where each has its HTTP status, retryability and hint. */
export const PANEL_ERROR_KINDS = ERROR_KINDS

export const PanelErrorKindSchema = z.enum(PANEL_ERROR_KINDS)
export type PanelErrorKind = z.infer<typeof PanelErrorKindSchema>

/** What a remote (Nameko) method raised, as its error reply carried it: the RPC console shows it as is. */
const RemoteErrorDetailSchema = z.object({ excType: z.string(), excPath: z.string().nullable(), value: z.string() })
export type RemoteErrorDetail = z.infer<typeof RemoteErrorDetailSchema>

export const PanelErrorSchema = z.object({
  kind: PanelErrorKindSchema,
  message: z.string(),
  hint: z.string().nullable(),
  /** Set when the error is a remote method's exception (an error reply), absent otherwise. */
  remote: RemoteErrorDetailSchema.optional()
})
export type PanelError = z.infer<typeof PanelErrorSchema>

/** What every operation answers: a value or an error value, never a rejection across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: PanelError }

export function resultSchema<T extends z.ZodType>(value: T): z.ZodType<Result<z.infer<T>>> {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: PanelErrorSchema })
  ]) as unknown as z.ZodType<Result<z.infer<T>>>
}

/** An error value; without a hint of its own it gets its kind's (error-kinds.ts). */
export function panelError(kind: PanelErrorKind, message: string, hint: string | null = hintFor(kind)): PanelError {
  return { kind, message, hint }
}
