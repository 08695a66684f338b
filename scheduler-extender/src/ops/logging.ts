// Structured logging: the extender logs through fastify's pino logger (JSON lines); modules
// below the HTTP layer receive this narrow interface rather than fastify's.

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
