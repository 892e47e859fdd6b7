import * as grpc from '@grpc/grpc-js';
import {
  ServerFeaturesService,
  type IServerFeaturesServer,
} from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import {
  SupportedMethod,
  SupportedMethods,
} from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  StreamsService,
  type IStreamsServer,
} from '@eventstore/db-client/generated/streams_grpc_pb';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { append, batchAppend } from './append';
import { unimplemented } from './call';
import { TransactionLog } from './log';
import { read } from './read';

export interface EsdbEmulator {
  /** A connection string for `EventStoreDBClient.connectionString`. */
  url: string;
  port: number;
  stop(): Promise<void>;
  /**
   * A server restart: every connection and subscription dropped, nothing answered for `downMs`,
   * then the same port and the same log, as a server on its files.
   */
  restart(downMs?: number): Promise<void>;
  /**
   * Test hook: replaces a stored event's data in place, as someone with the server's files could
   * (the hash-chain specs).
   */
  rewrite(streamId: string, revision: number, change: (data: string) => string): void;
}

export interface EsdbEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** The server version the emulator reports; the 6.x client reads it only for its debug log. */
const VERSION = '24.10.0';

/**
 * ServerFeatures.GetSupportedMethods (KurrentDB.Core/Services/Transport/Grpc/ServerFeatures.cs):
 * lowercase service and method names, Read with the features `position` and `events`, BatchAppend
 * with `deadline_duration`. Because BatchAppend is listed, the client appends over it, as it does
 * against a real server; it falls back to Append when a call carries its own credentials.
 */
function supportedMethods(): SupportedMethods {
  const streams = 'event_store.client.streams.streams';
  const method = (name: string, ...features: string[]) =>
    new SupportedMethod().setServiceName(streams).setMethodName(name).setFeaturesList(features);
  return new SupportedMethods()
    .setEventStoreServerVersion(VERSION)
    .setMethodsList([
      method('read', 'position', 'events'),
      method('append'),
      method('batchappend', 'deadline_duration'),
    ]);
}

/**
 * An in-memory, single-process stand-in for an EventStoreDB node's gRPC Streams API on plain HTTP/2
 * (connect with `?tls=false`). A single-host connection string needs no gossip: the client asks
 * for the server features, then calls Streams.
 */
export async function startEsdbEmulator(options: EsdbEmulatorOptions = {}): Promise<EsdbEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log = new TransactionLog();
  let { server, port } = await serve(log, host, options.port ?? 0);
  return {
    url: `esdb://${host}:${port}?tls=false`,
    port,
    // Subscriptions never end by themselves: cancel every call and close.
    stop: async () => server.forceShutdown(),
    restart: async (downMs = 0) => {
      server.forceShutdown();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      ({ server, port } = await serve(log, host, port));
    },
    rewrite: (streamId, revision, change) => {
      const event = log.stream(streamId)?.[revision];
      if (!event) throw new Error(`no event ${streamId}@${revision}`);
      event.data = new TextEncoder().encode(change(new TextDecoder().decode(event.data)));
      event.readAnswers = undefined;
    },
  };
}

/**
 * The Streams service as the client's `generated/` defines it, except that Read also writes an
 * answer encoded already (wire.ts `readEvent`) as it is.
 */
const READ_ENCODED_OR_NOT: typeof StreamsService = {
  ...StreamsService,
  read: {
    ...StreamsService.read,
    responseSerialize: (answer: ReadResp | Uint8Array) =>
      answer instanceof Uint8Array
        ? Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength)
        : StreamsService.read.responseSerialize(answer),
  },
};

/**
 * A gRPC server of the Streams and ServerFeatures services over `log`, bound to `host:port` (0: a
 * free port).
 */
async function serve(
  log: TransactionLog,
  host: string,
  port: number,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  const streams: IStreamsServer = {
    read: (call) => void read(call, log),
    append: append(log),
    batchAppend: batchAppend(log),
    delete: (_call, callback) => callback(unimplemented('Streams.Delete')),
    tombstone: (_call, callback) => callback(unimplemented('Streams.Tombstone')),
  };
  const features: IServerFeaturesServer = {
    getSupportedMethods: (_call, callback) => callback(null, supportedMethods()),
  };
  server.addService(READ_ENCODED_OR_NOT, streams);
  server.addService(ServerFeaturesService, features);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, at) =>
      error ? reject(error) : resolve(at),
    ),
  );
  return { server, port: bound };
}
