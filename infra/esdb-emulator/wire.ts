import { Any } from 'google-protobuf/google/protobuf/any_pb';
import type { Code } from '@eventstore/db-client/generated/code_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import type { LogEvent, ProposedEvent } from './log';

/**
 * Converts between the protobuf messages of the client's `generated/` folder and the log's plain
 * records.
 */

export function streamName(identifier: shared.StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(name: string): shared.StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));
}

/**
 * A UUID as string or as two signed 64-bit halves (shared.proto `UUID`), both of which clients
 * send.
 */
export function parseUuid(uuid: shared.UUID | undefined): string {
  if (!uuid) throw new Error('event id missing');
  if (!uuid.hasStructured()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured()!;
  const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
    .map((half) => BigInt.asUintN(64, BigInt(half)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function uuidMessage(id: string, structured: boolean): shared.UUID {
  if (!structured) return new shared.UUID().setString(id);
  const hex = id.replace(/-/g, '');
  const half = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  return new shared.UUID().setStructured(
    new shared.UUID.Structured()
      .setMostSignificantBits(half(hex.slice(0, 16)))
      .setLeastSignificantBits(half(hex.slice(16))),
  );
}

/**
 * The proposed message's `type` and `content-type` metadata keys
 * (MetadataHelpers.ParseGrpcMetadata).
 */
export function proposedEvent(
  message: streams.AppendReq.ProposedMessage | streams.BatchAppendReq.ProposedMessage,
): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined)
    throw new Error(
      `required metadata property missing: ${type === undefined ? 'type' : 'content-type'}`,
    );
  return {
    eventId: parseUuid(message.getId()),
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/**
 * A read answer for one event (ResponseConverter in Streams.Read.cs): `type`, `created` (ticks of
 * 100 ns since the Unix epoch) and `content-type` in the metadata map
 * (MetadataHelpers.AddGrpcMetadataFrom); commit and prepare positions both the event's log
 * position, since a prepare written with IsCommitted commits itself
 * (ResolvedEvent.CalculatePosition). Encoded once per id format and kept with the event (it never
 * changes): reads and subscriptions send the same bytes again.
 */
export function readEvent(event: LogEvent, structuredIds: boolean): Uint8Array {
  const encoded = (event.readAnswers ??= {});
  const key = structuredIds ? 'structured' : 'string';
  return (encoded[key] ??= readEventMessage(event, structuredIds).serializeBinary());
}

function readEventMessage(event: LogEvent, structuredIds: boolean): streams.ReadResp {
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.eventId, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(String(event.logPosition))
    .setPreparePosition(String(event.logPosition))
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('created', event.createdTicks.toString())
    .set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  const read = new streams.ReadResp.ReadEvent()
    .setEvent(recorded)
    .setCommitPosition(String(event.logPosition));
  return new streams.ReadResp().setEvent(read);
}

export function confirmation(subscriptionId: string): streams.ReadResp {
  return new streams.ReadResp().setConfirmation(
    new streams.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId),
  );
}

export function checkpoint(position: number): streams.ReadResp {
  return new streams.ReadResp().setCheckpoint(
    new streams.ReadResp.Checkpoint()
      .setCommitPosition(String(position))
      .setPreparePosition(String(position)),
  );
}

export function caughtUp(): streams.ReadResp {
  return new streams.ReadResp().setCaughtUp(new streams.ReadResp.CaughtUp());
}

export function streamNotFound(name: string): streams.ReadResp {
  return new streams.ReadResp().setStreamNotFound(
    new streams.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name)),
  );
}

/**
 * A google.rpc.Status whose details are one packed message, as Status.cs in the server builds them.
 */
export function status(
  code: Code,
  message: string,
  details: { serializeBinary(): Uint8Array },
  typeName: string,
): Status {
  const any = new Any();
  any.pack(details.serializeBinary(), typeName);
  return new Status().setCode(code).setMessage(message).setDetails(any);
}
