/** Waits `ms`, or less if `stopping` settles first; its timer never outlives the wait. */
export async function pause(ms: number, stopping: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), stopping]);
  } finally {
    clearTimeout(timer);
  }
}
