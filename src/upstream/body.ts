/** A response body read as it arrives, pushed to a consumer that can slow it down. */

export interface BodyConsumer {
  /** One piece of the body. Returning false pauses the upstream until `resume()`. */
  data(chunk: Buffer): boolean | void;
  end(): void;
  /** The body broke off, or the client went. */
  error(error: Error): void;
}

export interface BodyControl {
  resume(): void;
  /** Stops the transfer: the upstream request is closed. */
  cancel(): void;
}
