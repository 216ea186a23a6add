/**
 * The WHATWG URL standard's IPv4 rules for host names: which names "end in a number" and how such a
 * name is read as an IPv4 address (hex `0x7f.1`, octal `0177.0.0.1`, fewer than four parts
 * `127.1`). Pure. https://url.spec.whatwg.org/#concept-ipv4-parser
 */

/** Result of {@link parseIpv4NumberForm}: the dotted-decimal address, or why it is not one. */
export type Ipv4Parse =
  | { readonly ok: true; readonly address: string }
  | { readonly ok: false; readonly reason: string };

const DIGITS = /^[0-9]+$/;
const HEX_NUMBER = /^0[xX][0-9a-fA-F]*$/;

/**
 * Whether the URL standard reads `name` (ASCII, lowercase or not) as an IPv4 address: its last
 * label (ignoring one empty label after a trailing dot) is all decimal digits or `0x` + hex digits.
 */
export function endsInANumber(name: string): boolean {
  // The last label without splitting the name: this runs for every host parsed.
  let end = name.length;
  if (end > 0 && name.charCodeAt(end - 1) === 46 /* . */) end--;
  const last = name.slice(name.lastIndexOf('.', end - 1) + 1, end);
  if (last === '') return false;
  const first = last.charCodeAt(0);
  // Neither a digit nor `0x`: not a number (the common case, decided without a regex).
  if (first < 48 || first > 57) return false;
  return DIGITS.test(last) || HEX_NUMBER.test(last);
}

/** One part of an IPv4 number form, or undefined when it is not a number in its radix. */
function parseIpv4Number(part: string): number | undefined {
  if (part === '') return undefined;
  let radix = 10;
  let digits = part;
  if (digits.length >= 2 && (digits.startsWith('0x') || digits.startsWith('0X'))) {
    radix = 16;
    digits = digits.slice(2);
  } else if (digits.length >= 2 && digits.startsWith('0')) {
    radix = 8;
    digits = digits.slice(1);
  }
  if (digits === '') return 0;
  const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : DIGITS;
  if (!pattern.test(digits)) return undefined;
  // Long parts overflow any address: a length bound keeps the arithmetic exact.
  if (digits.length > 12) return Number.POSITIVE_INFINITY;
  return Number.parseInt(digits, radix);
}

/**
 * Reads a name that {@link endsInANumber} as the URL standard's IPv4 parser does: at most four
 * parts, each decimal, octal (leading `0`) or hex (`0x`), the last filling the remaining bytes.
 *
 * @example
 * parseIpv4NumberForm('0x7f.1') // => { ok: true, address: '127.0.0.1' }
 */
export function parseIpv4NumberForm(name: string): Ipv4Parse {
  const parts = name.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) return { ok: false, reason: 'IPv4 address with more than four parts' };
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Number(part);
    if (value === undefined) return { ok: false, reason: 'IPv4 address with a part that is not a number' };
    numbers.push(value);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255)) return { ok: false, reason: 'IPv4 address with a part over 255' };
  if (last >= 256 ** (4 - numbers.length)) return { ok: false, reason: 'IPv4 address out of range' };
  let address = last;
  numbers.forEach((n, i) => {
    address += n * 256 ** (3 - i);
  });
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return { ok: true, address: bytes.join('.') };
}
