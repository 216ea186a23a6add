import { describe, expect, it } from 'vitest';
import { poolOriginSuffix } from '../../scripts/lib/local-defaults.ts';
import { loadRouterConfig } from '../../scripts/lib/router-config-file.ts';

describe('poolOriginSuffix', () => {
  it('is the parent-domain suffix of the demo configuration', () => {
    expect(poolOriginSuffix(loadRouterConfig())).toBe('.origin.example.com');
  });

  it('skips exact-domain suffixes and takes the first parent-domain one', () => {
    const config = {
      allowedOriginSuffixes: ['bucket.s3.eu-west-1.amazonaws.com', '.a.example', '.b.example'],
    };
    expect(poolOriginSuffix(config)).toBe('.a.example');
  });

  it('refuses a configuration with no parent-domain suffix, naming its suffixes', () => {
    expect(() => poolOriginSuffix({ allowedOriginSuffixes: ['bucket.s3.eu-west-1.amazonaws.com'] })).toThrow(
      /no allowed origin suffix starting with "\.".*bucket\.s3\.eu-west-1\.amazonaws\.com/,
    );
  });
});
