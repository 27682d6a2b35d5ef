/** The package version, written into `subject.framework_version` and the instrumentation scope. */
export const VERSION = "0.2.0";
export const FRAMEWORK = "agent-coat";
