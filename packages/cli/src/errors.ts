import { formatConfigError, type ConfigError } from "@ecrlint/core";

export type EcrlintErrorKind = "usage" | "config" | "io" | "internal";

/**
 * A problem that stops the run before any result exists: the CLI prints `message` as one line and exits 2.
 * Findings in files are never errors of this kind; they are results.
 */
export class EcrlintError extends Error {
  override readonly name = "EcrlintError";

  constructor(
    readonly kind: EcrlintErrorKind,
    message: string,
    /** The file the problem is about, when there is one (config file, unreadable path). */
    readonly filePath?: string,
    /** The key path inside a config file (`rules.no-duplicate-sid[1].foo`). */
    readonly keyPath?: string,
  ) {
    super(message);
  }
}

export function configError(error: ConfigError): EcrlintError {
  return new EcrlintError("config", formatConfigError(error), error.filePath, error.keyPath);
}

export function usageError(message: string): EcrlintError {
  return new EcrlintError("usage", message);
}
