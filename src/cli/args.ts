// A small, strict option parser: every option is declared, values are checked where they are read,
// and mistakes are input errors (exit 2) that name the option and the fix.

import { KpbenchError } from '../errors.js';

/** Parsed `--name value` options and flags of one command. */
export class Options {
  readonly #values = new Map<string, string>();
  readonly #flags = new Set<string>();
  readonly positional: string[] = [];

  /**
   * @param valued options that take a value; @param flags options that do not
   * @throws {KpbenchError} KPB_ERR_INPUT on an unknown option or a missing value
   */
  constructor(command: string, argv: readonly string[], valued: readonly string[], flags: readonly string[] = []) {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (!a.startsWith('--')) {
        this.positional.push(a);
        continue;
      }
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (flags.includes(name) && eq < 0) this.#flags.add(name);
      else if (valued.includes(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw usage(command, `--${name} needs a value`);
        this.#values.set(name, v);
      } else {
        const known = [...valued, ...flags].map((o) => `--${o}`).join(' ');
        throw usage(command, `unknown option ${a}; the options are ${known}`);
      }
    }
  }

  /** Whether a flag was given. */
  flag(name: string): boolean {
    return this.#flags.has(name);
  }

  /** The raw value of an option, or undefined. */
  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  /** The value of a required option. */
  required(command: string, name: string, hint: string): string {
    const v = this.#values.get(name);
    if (v === undefined) throw usage(command, `--${name} is required (${hint})`);
    return v;
  }

  /** An integer option within bounds. */
  integer(command: string, name: string, fallback: number, lo: number, hi: number): number {
    const v = this.#values.get(name);
    if (v === undefined) return fallback;
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < lo || n > hi) throw usage(command, `--${name} ${v}: expected an integer ${lo}…${hi}`);
    return n;
  }

  /** A number option within bounds. */
  number(command: string, name: string, fallback: number, lo: number, hi: number): number {
    const v = this.#values.get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < lo || n > hi) throw usage(command, `--${name} ${v}: expected a number ${lo}…${hi}`);
    return n;
  }

  /** An option restricted to a set of words. */
  choice<T extends string>(command: string, name: string, allowed: readonly T[], fallback: T): T {
    const v = this.#values.get(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) throw usage(command, `--${name} ${v}: use one of ${allowed.join(', ')}`);
    return v as T;
  }
}

/** An input error for a command-line mistake. */
export function usage(command: string, message: string): KpbenchError {
  return new KpbenchError('KPB_ERR_INPUT', `${command}: ${message}`);
}
