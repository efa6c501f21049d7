/**
 * MLflow's error codes and the HTTP status each maps to (mlflow/exceptions.py), including its quirk
 * that RESOURCE_ALREADY_EXISTS is a 400. Typed as a Record so a code without a status cannot compile.
 */
export const httpStatusOfErrorCode = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  CANCELLED: 499,
  RESOURCE_EXHAUSTED: 429,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof httpStatusOfErrorCode;

/** The one error type of the platform; rendered as `{"error_code","message"}` with its status. */
export class MlflowError extends Error {
  readonly errorCode: ErrorCode;
  /** Set where a protocol answers a code with another status (the scoring server's 415). */
  private readonly status: number | undefined;

  constructor(errorCode: ErrorCode, message: string, options: { status?: number } = {}) {
    super(message);
    this.name = "MlflowError";
    this.errorCode = errorCode;
    this.status = options.status;
  }

  get httpStatus(): number {
    return this.status ?? httpStatusOfErrorCode[this.errorCode];
  }

  toJSON(): { error_code: ErrorCode; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError("INVALID_PARAMETER_VALUE", message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError("RESOURCE_DOES_NOT_EXIST", message);
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError("RESOURCE_ALREADY_EXISTS", message);
  }
}
