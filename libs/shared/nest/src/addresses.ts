/** The error codes of Node's sockets and resolver that name the address they failed on after them. */
const SOCKET_ERRORS =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)\s+[^\s,;)]+/g;
/** A URL (a connection string may carry a user and a password). */
const URLS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'),]+/gi;
/**
 * host:port, where the host is an IPv4 address, a bracketed IPv6 one or a name with a letter in it;
 * never a time (`12:30`) or an instant (`2026-11-30T12:30:45Z`: a colon follows).
 */
const HOST_PORTS =
  /(?<![\w:.%[-])(?:\d{1,3}(?:\.\d{1,3}){3}|\[[\w:.%]+\]|[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9.-]*):\d{1,5}(?![\d:])/g;

/**
 * Why a server does not answer, as readiness (open to anyone who reaches the port) tells it:
 * without the addresses and connection strings drivers name (`connect ECONNREFUSED 10.0.0.5:9092`);
 * the log keeps them.
 */
export const withoutAddresses = (message: string) =>
  message
    .replace(URLS, 'a server')
    .replace(SOCKET_ERRORS, '$1 a server')
    .replace(HOST_PORTS, 'a server');
