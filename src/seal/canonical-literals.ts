/** The fixed byte strings of canonical text (AnyValues, spans, log records), shared by the sealing and the verifying writers. */
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

/** The canonical forms records are sealed in now (docs/canonical-form.md). */
export const SPAN_FORM = "span/2";
export const LOG_FORM = "log/2";

// The record-level keys of the canonical span and log record texts, in the order they are written.
export const S_ATTRIBUTES = ascii('{"attributes":');
export const S_END = ascii(',"endTimeUnixNano":"');
export const S_EVENTS = ascii('","events":');
export const S_FORM_KIND = ascii(`,"form":"${SPAN_FORM}","kind":`);
export const S_LINKS = ascii(',"links":');
export const S_NAME = ascii(',"name":');
export const S_PARENT = ascii(',"parentSpanId":');
export const S_RESOURCE = ascii(',"resource":');
export const S_SCOPE = ascii(',"scope":');
export const S_SPAN_ID = ascii(',"spanId":');
export const S_START = ascii(',"startTimeUnixNano":"');
export const S_STATUS = ascii('","status":{"code":');
export const S_MESSAGE = ascii(',"message":');
export const S_TRACE_ID = ascii('},"traceId":');
export const L_BODY = ascii(',"body":');
export const L_EVENT_NAME = ascii(',"eventName":');
export const L_RESOURCE = ascii('","resource":');
export const L_SEVERITY = ascii(',"severityNumber":');
export const L_SEVERITY_TEXT = ascii(',"severityText":');
export const L_TIME = ascii(',"timeUnixNano":"');
export const L_TRACE_ID = ascii('","traceId":');
export const E_NAME = ascii(',"name":');
export const E_TIME = ascii(',"timeUnixNano":"');
export const E_CLOSE = ascii('"}');
