/**
 * A user mistake (bad file, bad flag, impossible setting). It carries where the problem is and how to
 * fix it, so every front end (CLI, notebook, extension, MCP) can show a clear message without a stack.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly problem: string,
    readonly fix: string,
    readonly where: ErrorLocation = {},
  ) {
    super(formatInputError(problem, fix, where));
  }
}

function formatInputError(problem: string, fix: string, where: ErrorLocation): string {
  const place = [
    where.file,
    where.line !== undefined ? `line ${where.line}` : undefined,
    where.field !== undefined ? `field "${where.field}"` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  return `${place ? `${place}: ` : ""}${problem}. ${fix}`;
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

/** Errors a person should see as one clear line, not as a bug: input mistakes and expected failures. */
export function isUserFacing(error: unknown): error is Error {
  return error instanceof InputError || (error instanceof Error && (error as { userFacing?: boolean }).userFacing === true);
}
