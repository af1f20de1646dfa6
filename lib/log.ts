// The process logger (pino): JSON lines in production, quiet in tests.
import pino from "pino";

const globalForLog = globalThis as unknown as { idemscopeLogger?: pino.Logger };

export const log: pino.Logger = (globalForLog.idemscopeLogger ??= pino({
  name: "idemscope",
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  redact: ["password", "token", "authorization", "*.password", "*.token", "*.authorization"],
}));
