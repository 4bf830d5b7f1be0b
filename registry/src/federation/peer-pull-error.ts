/** Why a pull failed, and whether trying again may help (unreachable, 5xx) or not (refused, tampered). */
export class PeerPullError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The peer does not know the cursor (its data was restored or replaced): only a full pull helps. */
export class PeerCursorUnknownError extends PeerPullError {
  constructor() {
    super('the peer does not know this registry\'s sync cursor (its data was restored or replaced)', false);
  }
}
