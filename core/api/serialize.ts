/** Decimals cross every boundary (IPC, HTTP, CLI JSON) as their exact text, never as binary floats. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && (value as { constructor?: { name?: string } }).constructor?.name === 'Decimal') {
    return String(value);
  }
  return value;
}
