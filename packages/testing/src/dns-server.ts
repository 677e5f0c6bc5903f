import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface TxtDnsServer {
  /** `127.0.0.1:<port>`, for `Resolver.setServers`. */
  address: string;
  /** TXT records served, by lower-case name; change them between lookups. */
  records: Map<string, string[]>;
  stop: () => Promise<void>;
}

const TYPE_TXT = 16;

/**
 * A real, minimal authoritative DNS server over UDP that answers TXT questions from `records`
 * (NXDOMAIN otherwise), so code under test does real DNS lookups through node:dns — not a stub.
 */
export async function startTxtDnsServer(records: Map<string, string[]> = new Map()): Promise<TxtDnsServer> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, remote) => {
    const response = answer(query, records);
    if (response) socket.send(response, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    records,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answer(query: Buffer, records: Map<string, string[]>): Buffer | undefined {
  if (query.length < 12) return undefined;
  // Question: labels until a zero byte, then QTYPE and QCLASS.
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
    offset += 1 + length;
  }
  const questionEnd = offset + 5;
  if (questionEnd > query.length) return undefined;
  const qtype = query.readUInt16BE(offset + 1);
  const name = labels.join('.').toLowerCase();
  const texts = qtype === TYPE_TXT ? records.get(name) : undefined;
  const known = [...records.keys()].includes(name);

  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  // QR=1, opcode 0, AA=1, RD copied, RA=0; RCODE 3 (NXDOMAIN) for names we do not hold.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(texts?.length ?? 0, 6);
  const question = query.subarray(12, questionEnd);
  const answers = (texts ?? []).map((text) => {
    const data = Buffer.from(text, 'utf8');
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(TYPE_TXT, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(0, 6); // TTL 0: tests change records between lookups
    rr.writeUInt16BE(data.length + 1, 10);
    return Buffer.concat([rr, Buffer.from([data.length]), data]);
  });
  return Buffer.concat([header, question, ...answers]);
}
