/** A key that cannot be used for sealing or verifying: raised when the key is loaded, never later. */
export class SealKeyError extends Error {
  override readonly name = "SealKeyError";
}
