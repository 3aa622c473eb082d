// Running TypeScript cells in a tslab kernel over the Jupyter protocol.
export { KernelError, TslabKernel } from "./kernel";
export type { CellOutput, ExecuteOptions, ExecutionResult, KernelOptions } from "./kernel";
