/**
 * A local stand-in for the CloudWatch Logs API, for exactly the calls `npm run logs` makes:
 * StartQuery, GetQueryResults and StopQuery, over the real wire protocol (AWS JSON 1.1: POST /,
 * `X-Amz-Target: Logs_20140328.<Operation>`, JSON bodies, errors as `{"__type", "message"}` with
 * HTTP 400). The region of a call is read from its SigV4 credential scope, so one server stands
 * for every region. It evaluates the query language subset `insightsQuery` writes (`fields`,
 * `filter <field> = | != <literal>`, `filter @message not like /re/`, `sort @timestamp desc`,
 * `limit N`) over the log events it
 * holds, and answers anything else MalformedQueryException.
 *
 * Not modelled: signatures are not verified; field discovery is JSON only; `@timestamp` is the
 * event's time (no separate ingestion time); queries finish on the second poll (real ones take
 * seconds and may be Scheduled first); no query quotas except an injected LimitExceededException;
 * no `logGroupNames` / `logGroupIdentifiers`, no statistics beyond records matched and scanned.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One log event held by the stand-in. */
export interface StandInEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly logStream?: string;
}

/** An error a region answers every call with (AccessDeniedException, LimitExceededException...). */
export interface StandInFault {
  readonly type: string;
  readonly message: string;
}

/** A running stand-in. */
export interface CloudWatchLogsStandIn {
  readonly url: string;
  /** Adds events to a log group in a region (creating the group). */
  put(region: string, logGroupName: string, events: readonly StandInEvent[]): void;
  /** Makes every call in `region` fail with `fault` (undefined: healthy again). */
  fault(region: string, fault: StandInFault | undefined): void;
  /** Every call received: operation, region, body. */
  readonly calls: readonly { operation: string; region: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

interface Query {
  readonly region: string;
  readonly rows: { field: string; value: string }[][];
  readonly scanned: number;
  polls: number;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** `2026-01-01 12:00:00.000`, as Logs Insights prints `@timestamp`. */
function insightsTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

type Step = (events: StandInEvent[]) => StandInEvent[];

/** Compiles the supported subset of the query language; throws MalformedQueryException otherwise. */
function compile(queryString: string): Step[] {
  const fieldOf = (event: StandInEvent, name: string): unknown => {
    if (name === '@message') return event.message;
    try {
      const parsed = JSON.parse(event.message) as Record<string, unknown>;
      return typeof parsed === 'object' && parsed !== null ? parsed[name] : undefined;
    } catch {
      return undefined;
    }
  };
  return queryString.split(' | ').map((command): Step => {
    if (command.startsWith('fields ')) return (events) => events;
    const filter = /^filter ([A-Za-z@][\w.]*) (=|!=) (?:'([^'\\]*)'|(\d+))$/.exec(command);
    if (filter !== null) {
      const [, name, op, text, number] = filter;
      const expected = text ?? Number(number);
      return (events) => events.filter((e) => (fieldOf(e, name as string) === expected) === (op === '='));
    }
    const notLike = /^filter @message not like \/(.+)\/$/.exec(command);
    if (notLike !== null) {
      const pattern = new RegExp(notLike[1] as string);
      return (events) => events.filter((e) => !pattern.test(e.message));
    }
    if (command === 'sort @timestamp desc')
      return (events) => [...events].sort((a, b) => b.timestamp - a.timestamp);
    const limit = /^limit (\d+)$/.exec(command);
    if (limit !== null) return (events) => events.slice(0, Number(limit[1]));
    throw new ApiError('MalformedQueryException', `unsupported query command: ${command}`);
  });
}

/** Starts a stand-in on a free loopback port. */
export async function startCloudWatchLogsStandIn(): Promise<CloudWatchLogsStandIn> {
  const groups = new Map<string, StandInEvent[]>();
  const faults = new Map<string, StandInFault>();
  const queries = new Map<string, Query>();
  const calls: { operation: string; region: string; body: Record<string, unknown> }[] = [];
  const key = (region: string, group: string) => `${region}\u0000${group}`;

  function startQuery(region: string, body: Record<string, unknown>): unknown {
    const { logGroupName, startTime, endTime, queryString, limit } = body;
    if (typeof logGroupName !== 'string' || typeof queryString !== 'string')
      throw new ApiError('InvalidParameterException', 'logGroupName and queryString are required');
    if (typeof startTime !== 'number' || typeof endTime !== 'number' || endTime < startTime)
      throw new ApiError(
        'InvalidParameterException',
        'startTime and endTime must be epoch seconds, start <= end',
      );
    const events = groups.get(key(region, logGroupName));
    if (events === undefined)
      throw new ApiError(
        'ResourceNotFoundException',
        `Log group '${logGroupName}' does not exist for account ID '000000000000'`,
      );
    const inRange = events.filter(
      (e) => e.timestamp >= startTime * 1000 && e.timestamp <= endTime * 1000 + 999,
    );
    let matched = compile(queryString).reduce((list, step) => step(list), inRange);
    if (typeof limit === 'number') matched = matched.slice(0, limit);
    const queryId = randomUUID();
    queries.set(queryId, {
      region,
      scanned: inRange.length,
      polls: 0,
      rows: matched.map((e) => [
        { field: '@timestamp', value: insightsTime(e.timestamp) },
        { field: '@message', value: e.message },
        { field: '@logStream', value: e.logStream ?? '2026/01/01/[1]0000' },
        { field: '@ptr', value: randomUUID() },
      ]),
    });
    return { queryId };
  }

  function getQueryResults(region: string, body: Record<string, unknown>): unknown {
    const query = typeof body.queryId === 'string' ? queries.get(body.queryId) : undefined;
    if (query === undefined || query.region !== region)
      throw new ApiError('ResourceNotFoundException', 'The specified query does not exist');
    query.polls++;
    const statistics = { recordsMatched: query.rows.length, recordsScanned: query.scanned, bytesScanned: 0 };
    // Like a real query, the first poll finds it still running.
    return query.polls === 1
      ? { status: 'Running', results: [], statistics: { ...statistics, recordsMatched: 0 } }
      : { status: 'Complete', results: query.rows, statistics };
  }

  function dispatch(operation: string, region: string, body: Record<string, unknown>): unknown {
    const fault = faults.get(region);
    if (fault !== undefined) throw new ApiError(fault.type, fault.message);
    if (operation === 'StartQuery') return startQuery(region, body);
    if (operation === 'GetQueryResults') return getQueryResults(region, body);
    if (operation === 'StopQuery') return { success: queries.delete(String(body.queryId)) };
    throw new ApiError('UnknownOperationException', `${operation} is not modelled by the stand-in`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/logs\//.exec(
        String(req.headers.authorization),
      )?.[1];
      if (req.method !== 'POST' || !target.startsWith('Logs_20140328.') || region === undefined) {
        reply(400, { __type: 'UnrecognizedClientException', message: 'not a signed CloudWatch Logs call' });
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        const operation = target.slice('Logs_20140328.'.length);
        calls.push({ operation, region, body });
        reply(200, dispatch(operation, region, body));
      } catch (error) {
        if (error instanceof ApiError) reply(400, { __type: error.type, message: error.message });
        else reply(400, { __type: 'SerializationException', message: String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    put(region, logGroupName, events) {
      const list = groups.get(key(region, logGroupName)) ?? [];
      list.push(...events);
      groups.set(key(region, logGroupName), list);
    },
    fault(region, fault) {
      if (fault === undefined) faults.delete(region);
      else faults.set(region, fault);
    },
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
