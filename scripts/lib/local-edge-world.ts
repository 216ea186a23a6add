/**
 * What a tool needs to see a running local edge's world as the router does: its endpoints per
 * edge region and replica, the CA they are checked against, and the write region's endpoint, read
 * from the control API's `/status` (`--local-edge URL`, or `LOCAL_EDGE_CONTROL`).
 */

/** The world of a running local edge, as `/status` describes it. */
export interface LocalEdgeWorld {
  /** The write region's operator endpoint (where tools write). */
  readonly writeEndpoint: string;
  readonly writeRegion: string;
  /** Replica region -> operator endpoint (each replica on its own, no distance). */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Edge region -> replica region -> the endpoint the function there reads (distance, TLS). */
  readonly edgeEndpoints: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The CA the edge endpoints' certificate is checked against (PEM). */
  readonly caCertificate: string;
}

interface StatusDocument {
  readonly dynamodb?: { readonly endpoint?: string; readonly writeRegion?: string };
  readonly world?: { readonly caCertificate?: string | null };
  readonly replicas?: Readonly<
    Record<string, { readonly endpoint?: string; readonly edgeEndpoints?: Readonly<Record<string, string>> }>
  >;
}

/**
 * Reads the world of the local edge whose control API is at `controlUrl`. Throws an Error naming
 * the URL when it does not answer or is not a local edge.
 *
 * @example
 * const world = await readLocalEdgeWorld('http://127.0.0.1:8081');
 * world.edgeEndpoints['sa-east-1']?.['us-east-1']; // https://127.0.0.1:<port>
 */
export async function readLocalEdgeWorld(controlUrl: string): Promise<LocalEdgeWorld> {
  let status: StatusDocument;
  try {
    const response = await fetch(new URL('/status', controlUrl));
    if (!response.ok) throw new Error(`answered ${response.status}`);
    status = (await response.json()) as StatusDocument;
  } catch (error) {
    throw new Error(
      `local edge control API ${controlUrl}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { dynamodb, world, replicas } = status;
  if (
    dynamodb?.endpoint === undefined ||
    dynamodb.writeRegion === undefined ||
    replicas === undefined ||
    !world?.caCertificate
  )
    throw new Error(
      `local edge control API ${controlUrl}: /status does not describe a local edge with replicas`,
    );
  const edgeEndpoints: Record<string, Record<string, string>> = {};
  for (const [region, replica] of Object.entries(replicas)) {
    for (const [edge, url] of Object.entries(replica.edgeEndpoints ?? {})) {
      edgeEndpoints[edge] = { ...edgeEndpoints[edge], [region]: url };
    }
  }
  return {
    writeEndpoint: dynamodb.endpoint,
    writeRegion: dynamodb.writeRegion,
    endpoints: Object.fromEntries(
      Object.entries(replicas).flatMap(([region, r]) =>
        r.endpoint === undefined ? [] : [[region, r.endpoint]],
      ),
    ),
    edgeEndpoints,
    caCertificate: world.caCertificate,
  };
}
