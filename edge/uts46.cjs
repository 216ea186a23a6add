'use strict';
/**
 * UTS #46 processing (the pinned `tr46`), loaded on first use: only Unicode and punycode hosts need
 * it, and its tables cost a few milliseconds of module load in every cold start otherwise. CommonJS
 * so that esbuild keeps the `require` inside the function (an ES import is evaluated at load).
 */
let tr46;

/** `tr46.toASCII`: the ASCII form of a domain name, or null when it is not valid. */
exports.toASCII = (domainName, options) => {
  if (tr46 === undefined) tr46 = require('tr46');
  return tr46.toASCII(domainName, options);
};
