/** A benchmark flag that must be a positive whole number; exits 2 with a message otherwise. */
export function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${flag} must be a positive whole number, not "${value}"`);
    process.exit(2);
  }
  return n;
}
