import { describe, expect, it } from 'vitest';
import { createFunctionLog } from '../../scripts/local-edge/function-log.ts';

describe('createFunctionLog', () => {
  it('keeps each complete line with its region, time and parsed JSON, joining lines written in pieces', () => {
    let now = 1000;
    const echoed: string[] = [];
    const log = createFunctionLog({ clock: () => now++, echo: (line) => echoed.push(line) });
    log.write('eu-west-1', '{"msg":"ro');
    log.write('us-east-1', 'plain text\n');
    log.write('eu-west-1', 'ute","tenantId":"acme"}\n{"msg":"metrics"}\n');
    expect(log.lines()).toEqual([
      { seq: 1, timestamp: 1000, edgeRegion: 'us-east-1', message: 'plain text', entry: undefined },
      {
        seq: 2,
        timestamp: 1001,
        edgeRegion: 'eu-west-1',
        message: '{"msg":"route","tenantId":"acme"}',
        entry: { msg: 'route', tenantId: 'acme' },
      },
      {
        seq: 3,
        timestamp: 1002,
        edgeRegion: 'eu-west-1',
        message: '{"msg":"metrics"}',
        entry: { msg: 'metrics' },
      },
    ]);
    expect(echoed).toHaveLength(3);
  });

  it('drops the oldest lines beyond its capacity and continues after a sequence number', () => {
    const log = createFunctionLog({ capacity: 2 });
    for (const n of [1, 2, 3]) log.write('us-east-1', `line ${n}\n`);
    expect(log.lines().map((l) => l.message)).toEqual(['line 2', 'line 3']);
    expect(log.lines(2).map((l) => l.seq)).toEqual([3]);
    expect(log.lines(3)).toEqual([]);
  });

  it('tells subscribers about every new line until they unsubscribe', () => {
    const log = createFunctionLog();
    const seen: string[] = [];
    const stop = log.subscribe((line) => seen.push(line.message));
    log.write('us-east-1', 'a\n');
    stop();
    log.write('us-east-1', 'b\n');
    expect(seen).toEqual(['a']);
  });
});
