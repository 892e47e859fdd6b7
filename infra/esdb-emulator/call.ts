import * as grpc from '@grpc/grpc-js';
import type * as streams from '@eventstore/db-client/generated/streams_pb';

export type ReadCall = grpc.ServerWritableStream<streams.ReadReq, streams.ReadResp>;

/**
 * Writes one answer (a message, or one encoded already: emulator.ts), waiting while the client's
 * window is full; false once the call is gone.
 */
export async function send(
  call: ReadCall,
  response: streams.ReadResp | Uint8Array,
): Promise<boolean> {
  if (call.cancelled || call.destroyed) return false;
  if (!call.write(response as streams.ReadResp)) await drained(call);
  return !call.cancelled && !call.destroyed;
}

function drained(call: ReadCall): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      ['drain', 'cancelled', 'close'].forEach((name) => call.off(name, done));
      resolve();
    };
    ['drain', 'cancelled', 'close'].forEach((name) => call.on(name, done));
  });
}

export function invalid(message: string): grpc.ServiceError {
  return Object.assign(new Error(message), {
    code: grpc.status.INVALID_ARGUMENT,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

export function unimplemented(what: string): grpc.ServiceError {
  const message = `${what}: not implemented by the emulator`;
  return Object.assign(new Error(message), {
    code: grpc.status.UNIMPLEMENTED,
    details: message,
    metadata: new grpc.Metadata(),
  });
}
