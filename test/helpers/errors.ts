/** Runs `fn` and returns true if it reverted. Used by property tests to classify refused operations. */
export async function reverts(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (message.includes("reverted") || message.includes("revert")) return true;
    throw error;
  }
}
