import type { Channel, ChannelOptions } from '@grpc/grpc-js';
import type { EventStoreDBClient } from '@eventstore/db-client';

/**
 * What the client's connection, and each call on it, may have on the way to this process (HTTP/2
 * receive window).
 */
export const RECEIVE_WINDOW = 4 * 1024 * 1024;

/**
 * The 6.x client opens its gRPC channel with no way to pass channel options, so its HTTP/2 receive
 * window is the 64 KiB default (grpc/grpc-node#2429): a subscription has at most 64 KiB, about 90
 * of our events, on the way. Whenever this process is busy (a relay encoding a Kafka batch, a
 * projection writing its run), the server stops after those, and each 64 KiB after that costs a
 * round trip: the runs a batched consumer flushes stay at about 100 events, each with its send and
 * its commit. grpc-js takes `grpc-node.flow_control_window` (1.13+); the client creates its
 * channel lazily through its own `createChannel`, and the option is added to that channel's options
 * before its first call connects. A client or channel of another shape is left as it is.
 */
export function widenReceiveWindow(client: EventStoreDBClient, bytes = RECEIVE_WINDOW): void {
  const internal = client as unknown as { createChannel?: () => Promise<Channel> };
  const create = internal.createChannel;
  if (typeof create !== 'function') return;
  internal.createChannel = async () => {
    const channel = await create();
    const options = (channel as unknown as { internalChannel?: { options?: ChannelOptions } })
      .internalChannel?.options;
    if (options) options['grpc-node.flow_control_window'] = bytes;
    return channel;
  };
}
