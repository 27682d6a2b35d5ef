/** The fixed byte strings of canonical AnyValue text, shared by the sealing and the verifying writers. */
import { ascii } from "./canonical-bytes.js";

export const STRING_OPEN = ascii('{"stringValue":');
export const DIGEST_OPEN = ascii('{"stringSha256":"');
export const QUOTE_CLOSE = ascii('"}');
export const INT_OPEN = ascii('{"intValue":"');
export const DOUBLE_OPEN = ascii('{"doubleValue":');
export const TRUE = ascii('{"boolValue":true}');
export const FALSE = ascii('{"boolValue":false}');
export const EMPTY = ascii("{}");
export const BYTES_OPEN = ascii('{"bytesValue":"');
export const ARRAY_OPEN = ascii('{"arrayValue":{"values":[');
export const ARRAY_CLOSE = ascii("]}}");
export const KVLIST_OPEN = ascii('{"kvlistValue":{"values":');
export const KVLIST_CLOSE = ascii("}}");
export const COMMA = 0x2c;
export const CLOSE_BRACE = 0x7d;
