import type { ToASCIIOptions } from 'tr46';

/** `tr46.toASCII`, loaded on first use: the ASCII form of a domain name, or null when it is not valid. */
export declare function toASCII(domainName: string, options?: ToASCIIOptions): string | null;
