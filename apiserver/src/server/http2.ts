// HTTP/2 on the secure port, with HTTP/1.1 for clients that do not offer h2 in ALPN.
// kube-apiserver's aggregator prefers h2: one connection carries every concurrent request
// and every watch it proxies to us, instead of one TLS connection each.
//
// Sessions idle out the way Go's HTTP/2 server does it: only when no stream is open. An
// idle timer that counted only frames would send GOAWAY under a quiet watch and push the
// aggregator onto a new connection for nothing.

import type { Http2SecureServer, Http2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Counter } from 'prom-client';

/** A session with no open stream for this long is closed (GOAWAY, then close). */
export const HTTP2_IDLE_TIMEOUT_MS = 90_000;

/**
 * TLS options for the secure port: h2 preferred, HTTP/1.1 for clients that do not offer it;
 * with `http2: false` (--http2=false) only HTTP/1.1 is negotiated, as before HTTP/2 was served.
 */
export function alpnOptions(http2: boolean): {
  allowHTTP1: true;
  ALPNCallback?: (offer: { protocols: string[] }) => string | undefined;
} {
  if (http2) return { allowHTTP1: true };
  return { allowHTTP1: true, ALPNCallback: ({ protocols }) => protocols.find((p) => p === 'http/1.1') };
}

export function closeIdleSessions(server: Http2SecureServer, idleMs = HTTP2_IDLE_TIMEOUT_MS): void {
  server.on('session', (session: Http2Session) => {
    let open = 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (open === 0 && !session.closed) session.close();
      }, idleMs);
      timer.unref();
    };
    session.on('stream', (stream) => {
      open += 1;
      clearTimeout(timer);
      stream.once('close', () => {
        open -= 1;
        if (open === 0) arm();
      });
    });
    session.once('close', () => clearTimeout(timer));
    arm();
  });
}

/** Counts accepted TLS connections by the protocol ALPN chose (none offered: HTTP/1.1). */
export function countConnections(server: Http2SecureServer, connections: Counter<'protocol'>): void {
  server.on('secureConnection', (socket: TLSSocket) => {
    connections.inc({ protocol: socket.alpnProtocol || 'http/1.1' });
  });
}

/**
 * HTTP/1.1 connections, closed all at once on shutdown: the HTTP/2 server has no
 * closeAllConnections, and a kept-alive HTTP/1.1 client (Go sends no Connection header)
 * would otherwise hold server.close() open for as long as it keeps the connection.
 */
export function http1Connections(server: Http2SecureServer): { destroyAll(): void } {
  const open = new Set<TLSSocket>();
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') return;
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return {
    destroyAll: () => {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}
