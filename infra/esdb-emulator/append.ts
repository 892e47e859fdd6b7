import type * as grpc from '@grpc/grpc-js';
import { Empty as WellKnownEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import { invalid } from './call';
import { ANY, NO_STREAM, STREAM_EXISTS, type Expected } from './commit-check';
import type { ProposedEvent, TransactionLog, WriteResult } from './log';
import { parseUuid, proposedEvent, status, streamName } from './wire';

type ExpectedOptions = { hasNoStream(): boolean; hasAny(): boolean; hasStreamExists(): boolean };

function expectedOf(options: ExpectedOptions, revision: string | undefined): Expected {
  if (revision !== undefined) return Number(revision);
  return options.hasNoStream() ? NO_STREAM : options.hasStreamExists() ? STREAM_EXISTS : ANY;
}

/**
 * Streams.Append (KurrentDB.Core/Services/Transport/Grpc/Streams.Append.cs): client streaming, the
 * options first, then one proposed message per event; one answer, success or wrong expected
 * version with the expected and current revisions (the 20.6.0 fields too, except the expected
 * revision `ulong.MaxValue` it sends for no_stream).
 */
export function append(
  log: TransactionLog,
): grpc.handleClientStreamingCall<streams.AppendReq, streams.AppendResp> {
  return (call, callback) => {
    let options: streams.AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    let failed = false;
    call.on('data', (request: streams.AppendReq) => {
      if (failed) return;
      try {
        if (!options)
          options = request.getOptions() ?? fail('the first message must carry the options');
        else
          proposed.push(
            proposedEvent(request.getProposedMessage() ?? fail('expected a proposed message')),
          );
      } catch (error) {
        failed = true;
        callback(invalid((error as Error).message));
      }
    });
    call.on('end', () => {
      if (failed) return;
      if (!options) return callback(invalid('no options'));
      const expected = expectedOf(
        options,
        options.hasRevision() ? options.getRevision() : undefined,
      );
      callback(
        null,
        appendResponse(log.write(streamName(options.getStreamIdentifier()), expected, proposed)),
      );
    });
  };
}

function appendResponse(result: WriteResult): streams.AppendResp {
  if (result.kind === 'wrong_expected_version')
    return new streams.AppendResp().setWrongExpectedVersion(
      appendConflict(result.expected, result.currentRevision),
    );
  const success = new streams.AppendResp.Success();
  if (result.currentRevision < 0) success.setNoStream(new shared.Empty());
  else success.setCurrentRevision(String(result.currentRevision));
  success.setPosition(
    new streams.AppendResp.Position()
      .setCommitPosition(String(result.position))
      .setPreparePosition(String(result.position)),
  );
  return new streams.AppendResp().setSuccess(success);
}

function appendConflict(
  expected: Expected,
  current: number,
): streams.AppendResp.WrongExpectedVersion {
  const conflict = new streams.AppendResp.WrongExpectedVersion();
  if (expected === ANY) conflict.setExpectedAny(new shared.Empty()).setAny2060(new shared.Empty());
  else if (expected === STREAM_EXISTS)
    conflict.setExpectedStreamExists(new shared.Empty()).setStreamExists2060(new shared.Empty());
  else if (expected === NO_STREAM) conflict.setExpectedNoStream(new shared.Empty());
  else conflict.setExpectedRevision(String(expected)).setExpectedRevision2060(expected);
  if (current < 0)
    conflict.setCurrentNoStream(new shared.Empty()).setNoStream2060(new shared.Empty());
  else conflict.setCurrentRevision(String(current)).setCurrentRevision2060(current);
  return conflict;
}

/**
 * Streams.BatchAppend (Streams.BatchAppend.cs): one duplex call carries many appends, each a run of
 * requests with one correlation id, the first with the options, the last marked `is_final`; each
 * append is answered on its own with that correlation id and the stream, a success or a
 * google.rpc.Status whose details pack the reason (Status.cs: WrongExpectedVersion with code
 * ALREADY_EXISTS, or BadRequest).
 */
export function batchAppend(
  log: TransactionLog,
): grpc.handleBidiStreamingCall<streams.BatchAppendReq, streams.BatchAppendResp> {
  return (call) => {
    const pending = new Map<
      string,
      { options: streams.BatchAppendReq.Options; events: ProposedEvent[] }
    >();
    call.on('data', (request: streams.BatchAppendReq) => {
      const key = parseUuid(request.getCorrelationId());
      const answer = new streams.BatchAppendResp().setCorrelationId(request.getCorrelationId());
      try {
        const options = request.getOptions();
        if (options) pending.set(key, { options, events: [] });
        const write = pending.get(key);
        if (!write) return;
        write.events.push(...request.getProposedMessagesList().map(proposedEvent));
        if (!request.getIsFinal()) return;
        pending.delete(key);
        const revision = write.options.hasStreamPosition()
          ? write.options.getStreamPosition()
          : undefined;
        const expected = expectedOf(write.options, revision);
        const result = log.write(
          streamName(write.options.getStreamIdentifier()),
          expected,
          write.events,
        );
        call.write(
          batchResponse(answer.setStreamIdentifier(write.options.getStreamIdentifier()), result),
        );
      } catch (error) {
        const badRequest = new shared.BadRequest().setMessage((error as Error).message);
        call.write(
          answer.setError(
            status(
              Code.INVALID_ARGUMENT,
              'BadRequest',
              badRequest,
              'event_store.client.BadRequest',
            ),
          ),
        );
      }
    });
    call.on('end', () => call.end());
  };
}

function batchResponse(
  answer: streams.BatchAppendResp,
  result: WriteResult,
): streams.BatchAppendResp {
  if (result.kind === 'wrong_expected_version') {
    return answer.setError(
      status(
        Code.ALREADY_EXISTS,
        'WrongExpectedVersion',
        batchConflict(result.expected, result.currentRevision),
        'event_store.client.WrongExpectedVersion',
      ),
    );
  }
  // BatchAppendResp.Success.Completed (BatchAppendResp.cs).
  const success = new streams.BatchAppendResp.Success();
  if (result.currentRevision < 0) success.setNoStream(new WellKnownEmpty());
  else success.setCurrentRevision(String(result.currentRevision));
  success.setPosition(
    new shared.AllStreamPosition()
      .setCommitPosition(String(result.position))
      .setPreparePosition(String(result.position)),
  );
  return answer.setSuccess(success);
}

/** WrongExpectedVersion.Create (KurrentDB.Core/Services/Transport/Grpc/WrongExpectedVersion.cs). */
function batchConflict(expected: Expected, current: number): shared.WrongExpectedVersion {
  const conflict = new shared.WrongExpectedVersion();
  if (current < 0) conflict.setCurrentNoStream(new WellKnownEmpty());
  else conflict.setCurrentStreamRevision(String(current));
  if (expected === ANY) conflict.setExpectedAny(new WellKnownEmpty());
  else if (expected === NO_STREAM) conflict.setExpectedNoStream(new WellKnownEmpty());
  else if (expected === STREAM_EXISTS) conflict.setExpectedStreamExists(new WellKnownEmpty());
  else conflict.setExpectedStreamPosition(String(expected));
  return conflict;
}

function fail(message: string): never {
  throw new Error(message);
}
