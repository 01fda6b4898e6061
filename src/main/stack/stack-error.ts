/** A failure of a stack operation, carrying the contract's error kind and a hint. */
import type { PanelErrorKind, ProgressStep } from '../../shared/contract'

export class StackError extends Error {
  override name = 'StackError'
  constructor(
    readonly kind: PanelErrorKind,
    message: string,
    readonly hint: string | null = null
  ) {
    super(message)
  }
}

/** One step of an operation, as the orchestrator reports it (the controller adds ids and time). */
interface StepProgress {
  step: ProgressStep
  service: string | null
  container: string | null
  state: 'started' | 'progress' | 'done' | 'failed'
  message: string
  current?: number | null
  total?: number | null
  error?: { kind: PanelErrorKind; message: string; hint: string | null } | null
}

export type ProgressSink = (progress: StepProgress) => void
