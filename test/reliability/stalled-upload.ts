/**
 * An upload that stops before its declared end, on its own socket: the headers declare
 * `declaredBytes`, `sent` goes out, and then nothing. What the server answers, and who closed the
 * connection: the server (its FIN), or the test after `giveUpMs` (it never answered).
 */
import { connect } from 'node:net';

export interface StalledUploadEnd {
  /** Everything the server sent, head and body. */
  text: string;
  closedBy: 'server' | 'test';
  /** From the first byte written to the close. */
  afterMs: number;
}

export function stalledUpload(port: number, path: string, declaredBytes: number, sent: Buffer, giveUpMs: number): Promise<StalledUploadEnd> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const pieces: Buffer[] = [];
    const startedAt = performance.now();
    let closedBy: StalledUploadEnd['closedBy'] = 'server';
    const giveUp = setTimeout(() => {
      closedBy = 'test';
      socket.destroy();
    }, giveUpMs);
    socket.on('data', (piece: Buffer) => pieces.push(piece));
    // The server may reset a socket it closes with our bytes still unread.
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(giveUp);
      resolve({ text: Buffer.concat(pieces).toString('utf8'), closedBy, afterMs: performance.now() - startedAt });
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declaredBytes}\r\n\r\n`,
    );
    socket.write(sent);
  });
}

/** The status, headers (lower-case names) and body of a raw HTTP/1.1 answer. */
export function parseAnswer(text: string): { status: number; headers: Record<string, string>; body: string } {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) };
}
