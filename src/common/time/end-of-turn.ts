let pending: Promise<void> | null = null;

/**
 * Resolves at the end of the current turn of the event loop (one setImmediate, shared by every
 * caller of the turn). setImmediate runs after the poll phase, so by then every socket that was
 * readable in the turn has been read: a request and a notice that arrived before it, say. And the
 * answers of the requests that arrived together leave back to back.
 */
export function endOfTurn(): Promise<void> {
  pending ??= new Promise<void>((resolve) => {
    setImmediate(() => {
      pending = null;
      resolve();
    });
  });
  return pending;
}
