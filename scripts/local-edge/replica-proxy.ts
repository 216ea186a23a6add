/**
 * The DynamoDB endpoints of one replica region: where the router and the tools reach that
 * region's store. Each endpoint switches between the same faults and writes through the
 * replicator, so failover and replication are exercised against real sockets.
 *
 * - the **operator endpoint** (plain HTTP, no distance): what the tools write to and read each
 *   replica through, as an operator's client in the region would;
 * - one **edge endpoint per edge region** (HTTPS with the local CA, behind a delay link of the
 *   round trip between that edge region and this replica): what the function in that edge region
 *   reads, so each edge region sees its own distance.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { type ListeningServer, listenOn } from '../lib/listening-server.ts';
import { type DelayLink, type DelayLinkStats, startDelayLink } from '../lib/network/delay-link.ts';
import type { LocalTlsCredentials } from '../lib/network/local-tls.ts';
import { switchableListener } from '../lib/network/switchable-listener.ts';
import type { Replicator } from '../lib/replication/replicator.ts';
import { type FaultSetting, misbehave, parseFaultSetting } from './replica-faults.ts';
import { replicaForwarder } from './replica-forwarder.ts';

export { FAULT_MODES, type FaultMode, type FaultSetting, parseFaultSetting } from './replica-faults.ts';

/** Counters of one replica region's endpoints. */
export interface ReplicaCounters {
  requests: number;
  forwarded: number;
  faulted: number;
  upstreamErrors: number;
  /** Requests by edge region (the edge endpoints; the operator endpoint is not counted here). */
  byEdgeRegion: Record<string, number>;
}

/** Options of {@link startReplicaProxy}. */
export interface ReplicaProxyOptions {
  /** Region this endpoint stands for (reported in errors and status). */
  readonly region: string;
  /** The region's store, `http://127.0.0.1:<port>`. */
  readonly store: string;
  readonly replicator: Replicator;
  readonly tls: LocalTlsCredentials;
  /** Edge regions that get an edge endpoint, with their round trip to this replica, ms. */
  readonly edgeRoundTrips: ReadonlyMap<string, number>;
  /** Jitter added to each delayed chunk, up to this many ms. @default 0 */
  readonly jitterMs?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Decides which requests a partial fault hits (and the jitter). @default Math.random */
  readonly random?: () => number;
  /** Port of the operator endpoint. @default 0 (ephemeral) */
  readonly operatorPort?: number;
}

/** A running replica region's endpoints. */
export interface ReplicaProxy {
  readonly region: string;
  /** The operator endpoint, `http://127.0.0.1:<port>` (the port is kept while refusing). */
  readonly endpoint: string;
  readonly port: number;
  /** Edge region -> its edge endpoint, `https://127.0.0.1:<port>`. */
  readonly edgeEndpoints: Readonly<Record<string, string>>;
  /** Edge region -> the round trips its link added so far. */
  readonly links: Readonly<Record<string, Readonly<DelayLinkStats> & { readonly rttMs: number }>>;
  /** Current fault. */
  readonly fault: FaultSetting;
  readonly counters: Readonly<ReplicaCounters>;
  /** Switches the fault; resolves once the listeners match (refuse stops every one). */
  setFault(fault: FaultSetting): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a replica region's endpoints in `normal` mode.
 *
 * @example
 * const replica = await startReplicaProxy({ region: 'eu-west-1', store, replicator, tls, edgeRoundTrips });
 * await replica.setFault({ mode: 'hang' });
 */
export async function startReplicaProxy(options: ReplicaProxyOptions): Promise<ReplicaProxy> {
  const host = options.host ?? '127.0.0.1';
  const random = options.random ?? Math.random;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counters: ReplicaCounters = {
    requests: 0,
    forwarded: 0,
    faulted: 0,
    upstreamErrors: 0,
    byEdgeRegion: {},
  };
  const forward = replicaForwarder({
    region: options.region,
    store: options.store,
    replicator: options.replicator,
    agent,
    counters,
  });
  /** Connections held open by `hang`, released when the fault changes. */
  const hung = new Set<Socket>();
  let fault: FaultSetting = { mode: 'normal' };
  const handle = (req: IncomingMessage, res: ServerResponse, edgeRegion: string | undefined) => {
    counters.requests++;
    if (edgeRegion !== undefined)
      counters.byEdgeRegion[edgeRegion] = (counters.byEdgeRegion[edgeRegion] ?? 0) + 1;
    const current = fault;
    if (current.mode === 'normal' || random() >= (current.share ?? 1)) {
      forward(req, res);
      return;
    }
    counters.faulted++;
    misbehave(current, req, res, {
      forward,
      hang: (socket) => {
        hung.add(socket);
        socket.once('close', () => hung.delete(socket));
      },
      requestId: `local-${options.region}-${counters.requests}`,
    });
  };
  const operator = createServer((req, res) => handle(req, res, undefined));
  operator.keepAliveTimeout = 5_000;
  const operatorListener = switchableListener(operator, host);
  const port = await operatorListener.listen(options.operatorPort ?? 0);
  const edges = await startEdgeEndpoints(options, host, random, handle);
  const listeners = [operatorListener, ...edges.map((e) => e.link.listener)];
  let closed = false;

  return {
    region: options.region,
    endpoint: `http://${host}:${port}`,
    port,
    edgeEndpoints: Object.fromEntries(edges.map((e) => [e.edgeRegion, `https://${host}:${e.link.port}`])),
    links: Object.fromEntries(edges.map((e) => [e.edgeRegion, linkView(e.link)])),
    get fault() {
      return fault;
    },
    counters,
    async setFault(next) {
      const parsed = parseFaultSetting(next);
      if (!parsed.ok) throw new RangeError(`replica ${options.region}: ${parsed.problem}`);
      const previous = fault;
      fault = parsed.fault;
      if (closed) return;
      if (fault.mode === 'refuse' && previous.mode !== 'refuse')
        await Promise.all(listeners.map((l) => l.stop()));
      else if (fault.mode !== 'refuse' && previous.mode === 'refuse') {
        await operatorListener.listen(port);
        await Promise.all(edges.map((e) => e.link.listener.listen(e.link.port)));
      }
      // Leaving 'hang': connections held open would otherwise wait for the client's timeout.
      if (previous.mode === 'hang' && fault.mode !== 'hang') {
        for (const socket of hung) socket.destroy();
        hung.clear();
      }
    },
    async close() {
      closed = true;
      await Promise.all(listeners.map((l) => l.close()));
      await Promise.all(edges.map((e) => e.server.close()));
      agent.destroy();
    },
  };
}

/** One edge region's endpoint: a TLS server on a private port, and the delay link before it. */
interface EdgeEndpoint {
  readonly edgeRegion: string;
  readonly server: ListeningServer;
  readonly link: DelayLink;
}

/** Starts the edge endpoints, one per edge region, each handling requests as that edge region's. */
async function startEdgeEndpoints(
  options: ReplicaProxyOptions,
  host: string,
  random: () => number,
  handle: (req: IncomingMessage, res: ServerResponse, edgeRegion: string) => void,
): Promise<EdgeEndpoint[]> {
  const started: EdgeEndpoint[] = [];
  try {
    for (const [edgeRegion, rttMs] of options.edgeRoundTrips) {
      const tls: Server = createTlsServer(
        { cert: options.tls.certificate, key: options.tls.privateKey },
        (req, res) => handle(req, res, edgeRegion),
      );
      tls.keepAliveTimeout = 5_000;
      const server = await listenOn(tls, 0, host);
      const link = await startDelayLink({
        target: { host, port: server.port },
        rttMs,
        jitterMs: options.jitterMs ?? 0,
        random,
        host,
      }).catch(async (error: unknown) => {
        await server.close();
        throw error;
      });
      started.push({ edgeRegion, server, link });
    }
    return started;
  } catch (error) {
    await Promise.all(started.map(async (e) => Promise.all([e.link.close(), e.server.close()])));
    throw error;
  }
}

function linkView(link: DelayLink) {
  return {
    get rttMs() {
      return link.rttMs;
    },
    get connections() {
      return link.stats.connections;
    },
    get roundTrips() {
      return link.stats.roundTrips;
    },
    get bytesToServer() {
      return link.stats.bytesToServer;
    },
    get bytesToClient() {
      return link.stats.bytesToClient;
    },
  };
}
