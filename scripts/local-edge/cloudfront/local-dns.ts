/**
 * The local DNS: a table of the records customers would create (TXT ownership proofs, CNAMEs to
 * the connection group's routing endpoint), served over real DNS on UDP so the `domains` tool
 * resolves them with node:dns exactly as it resolves the Internet's (only the server differs),
 * and read directly by the local control plane's certificate validator.
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** Record types the local DNS keeps. */
export type LocalRecordType = 'TXT' | 'CNAME';

/** One record set. */
export interface LocalRecord {
  readonly name: string;
  readonly type: LocalRecordType;
  readonly values: readonly string[];
}

/** The table of the local DNS. */
export class LocalDnsTable {
  private readonly records = new Map<string, string[]>();

  private static key(name: string, type: LocalRecordType): string {
    return `${type} ${name.toLowerCase().replace(/\.$/, '')}`;
  }

  /** Adds a value to a record set (a CNAME has one value: it replaces). */
  add(name: string, type: LocalRecordType, value: string): void {
    const key = LocalDnsTable.key(name, type);
    const values = type === 'CNAME' ? [] : (this.records.get(key) ?? []);
    if (!values.includes(value)) values.push(value);
    this.records.set(key, values);
  }

  /** Removes a record set (or one value of it). */
  remove(name: string, type: LocalRecordType, value?: string): void {
    const key = LocalDnsTable.key(name, type);
    if (value === undefined) this.records.delete(key);
    else {
      const rest = (this.records.get(key) ?? []).filter((v) => v !== value);
      if (rest.length === 0) this.records.delete(key);
      else this.records.set(key, rest);
    }
  }

  /** The values of a record set (empty when there is none). */
  lookup(name: string, type: LocalRecordType): readonly string[] {
    return this.records.get(LocalDnsTable.key(name, type)) ?? [];
  }

  /** Every record set. */
  list(): LocalRecord[] {
    return [...this.records].map(([key, values]) => {
      const [type, name] = key.split(' ') as [LocalRecordType, string];
      return { name, type, values };
    });
  }

  /** Number of record sets. */
  get size(): number {
    return this.records.size;
  }
}

/** A running local DNS server. */
export interface LocalDnsServer {
  /** `127.0.0.1:<port>`, what node:dns `Resolver.setServers` takes. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the table over UDP: TXT and CNAME answers from it (a CNAME also answers a TXT or A query
 * for its name, as a resolver would follow it), NXDOMAIN for names it does not know.
 */
export async function startLocalDnsServer(
  table: LocalDnsTable,
  options: { readonly port?: number; readonly host?: string } = {},
): Promise<LocalDnsServer> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: nothing to answer
    }
    const answers: dnsPacket.Answer[] = [];
    for (const question of query.questions ?? []) {
      const cname = table.lookup(question.name, 'CNAME')[0];
      if (cname !== undefined && question.type !== 'TXT')
        answers.push({ type: 'CNAME', name: question.name, ttl: 60, data: cname });
      if (question.type === 'TXT')
        for (const value of table.lookup(question.name, 'TXT'))
          answers.push({ type: 'TXT', name: question.name, ttl: 60, data: [value] });
    }
    const reply = dnsPacket.encode({
      id: query.id,
      type: 'response',
      // Authoritative answer, recursion available; NXDOMAIN (rcode 3) when nothing matched.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_AVAILABLE | (answers.length === 0 ? 3 : 0),
      questions: query.questions ?? [],
      answers,
    });
    socket.send(reply, remote.port, remote.address);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    address: `${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
