// The process logger (pino): JSON lines in production, quiet in tests. Credentials are redacted
// by key wherever they appear in a logged object; messages never interpolate them.
import pino from "pino";

export const REDACTED_KEYS = [
  "password",
  "token",
  "secret",
  "authorization",
  "*.password",
  "*.token",
  "*.secret",
  "*.authorization",
  "headers.authorization",
  'headers["x-idemscope-proxy-secret"]',
];

export function createLogger(destination?: pino.DestinationStream, level?: string): pino.Logger {
  return pino(
    {
      name: "idemscope",
      level: level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
      redact: REDACTED_KEYS,
    },
    destination,
  );
}

const globalForLog = globalThis as unknown as { idemscopeLogger?: pino.Logger };

globalForLog.idemscopeLogger ??= createLogger();

/** The process logger. Calls go to whichever logger is current, so a test can capture it. */
export const log: pino.Logger = new Proxy({} as pino.Logger, {
  get(_target, prop) {
    const current = globalForLog.idemscopeLogger as pino.Logger;
    const value: unknown = Reflect.get(current, prop, current);
    return typeof value === "function" ? value.bind(current) : value;
  },
});

/** Replaces the process logger (tests read what would have been logged). */
export function useLogger(logger: pino.Logger): void {
  globalForLog.idemscopeLogger = logger;
}
