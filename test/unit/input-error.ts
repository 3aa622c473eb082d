// Runs something that must refuse its input, and returns the InputError it threw (failing otherwise).
import { expect } from "vitest";
import { InputError } from "../../src/errors";

export function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}
