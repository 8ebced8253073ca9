/** Where commands write; injectable so tests can capture output. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export function printJson(o: Output, value: unknown): void {
  o.out(JSON.stringify(value, null, 2));
}
