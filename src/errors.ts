// Errors with stable codes. Input problems exit with code 2 and name the place and the fix.

/** Stable error codes of kpbench. */
export type KpbenchErrorCode =
  | 'KPB_ERR_INPUT' // a bad scenario, flow file, option, dump or result file
  | 'KPB_ERR_LIMIT' // a size beyond what the machine or the model can hold
  | 'KPB_ERR_WORKER' // a worker crashed, hung or lost flows
  | 'KPB_ERR_INTERNAL';

/** An error kpbench reports as one line; `exitCode` is what the CLI exits with. */
export class KpbenchError extends Error {
  readonly code: KpbenchErrorCode;
  readonly exitCode: number;
  constructor(code: KpbenchErrorCode, message: string, exitCode = code === 'KPB_ERR_INPUT' || code === 'KPB_ERR_LIMIT' ? 2 : 1) {
    super(message);
    this.name = 'KpbenchError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** One problem in an input, at a place (a JSON path, or `line L, column C`). */
export interface InputProblem {
  readonly place: string;
  readonly message: string;
}

/** Bad input: every problem at once, each with its place. */
export class InputError extends KpbenchError {
  readonly problems: readonly InputProblem[];
  constructor(source: string, problems: readonly InputProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `${p.place}: ${p.message}`);
    if (problems.length > 20) shown.push(`… and ${problems.length - 20} more`);
    super('KPB_ERR_INPUT', `${source}: ${shown.join('; ')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}
