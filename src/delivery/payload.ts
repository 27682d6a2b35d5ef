/** One OTLP export request, already serialised: what the durable path queues, sends and spools. */
export interface Payload {
  /** The request body exactly as it goes on the wire (protobuf or JSON). */
  readonly bytes: Uint8Array;
  /** How many spans or log records it holds (for the counts; the bytes are never re-read to count). */
  readonly count: number;
}
