import type { Admin } from 'kafkajs';

/**
 * Messages on `topics` the group has not committed yet: per partition, its end (high watermark)
 * minus the group's committed offset (the partition's start when it never committed).
 */
export async function groupLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0n;
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const offsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const { partition, high, low } of ends) {
      const offset = offsets.find((entry) => entry.partition === partition)?.offset ?? '-1';
      const from = BigInt(offset === '-1' ? low : offset);
      if (BigInt(high) > from) lag += BigInt(high) - from;
    }
  }
  return Number(lag);
}
