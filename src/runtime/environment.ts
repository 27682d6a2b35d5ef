/** Environment variables as agent-coat reads them: process.env, or register()'s `env` option. */
export type Environment = Readonly<Record<string, string | undefined>>;
