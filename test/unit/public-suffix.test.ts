import { describe, expect, it } from 'vitest';
import { publicSuffixProblem } from '../../edge/public-suffix.ts';

describe('publicSuffixProblem', () => {
  it.each([
    ['co.uk', 'co.uk is a public suffix'],
    ['github.io', 'github.io is a public suffix'],
    ['s3.eu-west-1.amazonaws.com', 's3.eu-west-1.amazonaws.com is a public suffix'],
    ['com', 'com is a public suffix'],
    ['*.co.uk', '*.co.uk is a wildcard directly over the public suffix co.uk'],
    ['*.github.io', '*.github.io is a wildcard directly over the public suffix github.io'],
    ['*.com', '*.com is a wildcard directly over the public suffix com'],
  ])('refuses %j', (domain, problem) => {
    expect(publicSuffixProblem(domain)).toMatch(problem);
  });

  it.each([
    'shop.acme.co.uk',
    'acme.co.uk',
    '*.acme.co.uk',
    'acme.github.io',
    '*.acme.example.net',
    'example.com',
  ])('accepts %j (a registrable domain or under one)', (domain) => {
    expect(publicSuffixProblem(domain)).toBeUndefined();
  });
});
