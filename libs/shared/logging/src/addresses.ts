/**
 * An error message as an answer open to anyone who reaches the port (readiness) tells it: without
 * the host:port addresses drivers name (`connect ECONNREFUSED 10.0.0.5:9092`); the log keeps them.
 */
export const withoutAddresses = (message: string) =>
  message.replace(/\[?[\w.:-]*[\w\]]:\d{1,5}\b/g, 'a server');
