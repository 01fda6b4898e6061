/** An error the API raises itself (a route, a parameter), named by its error kind. */
import type { ErrorKind } from '../../shared/error-kinds'

export class ApiError extends Error {
  constructor(
    override readonly name: Extract<ErrorKind, 'NotFound' | 'MethodNotAllowed' | 'InvalidParameter' | 'BadRequest'>,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}
