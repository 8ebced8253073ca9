import { type Logger, pino } from "pino";

/** JSON logs by default; `pretty` for people at a terminal. */
export function makeLogger(format: "json" | "pretty", level: string, name: string): Logger {
  if (format === "pretty") {
    return pino({
      name,
      level,
      transport: { target: "pino-pretty", options: { colorize: true, destination: 2 } },
    });
  }
  return pino({ name, level }, pino.destination(2));
}
