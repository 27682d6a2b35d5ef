/**
 * A loopback HTTP server (node:http, 127.0.0.1) that answers as the OpenAI Chat Completions API,
 * for the real `openai` client (`baseURL: fake.baseURL`): the replies come from
 * examples/fake-openai.mjs (JSON, or SSE with `stream: true`), scripted per test; a reply of
 * `{ status, error }` answers with the documented error body (and `retry-after` on 429).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-expect-error an example module, plain JavaScript
import { fakeOpenAI } from "../../examples/fake-openai.mjs";

export type OpenAIReply =
  | { content?: string; toolCalls?: { name: string; arguments: unknown }[]; promptTokens?: number; completionTokens?: number }
  | { status: number; error: { message: string; type: string; code?: string } };

export interface OpenAIHttpFake {
  baseURL: string;
  requests: { path: string; body: any }[];
  reply(...replies: OpenAIReply[]): void;
  close(): Promise<void>;
}

export async function startOpenAIHttpFake(): Promise<OpenAIHttpFake> {
  const queue: OpenAIReply[] = [];
  const requests: { path: string; body: any }[] = [];
  const answer = fakeOpenAI((body: unknown) => {
    const next = queue.shift() ?? { content: "Hello from the fake OpenAI API.", promptTokens: 5, completionTokens: 7 };
    if ("status" in next) throw Object.assign(new Error("scripted error"), { reply: next });
    void body;
    return next;
  }) as (url: string, init: { body: string }) => Promise<Response>;
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c));
    req.on("end", async () => {
      requests.push({ path: req.url ?? "", body: JSON.parse(text || "null") });
      try {
        const response = await answer(req.url ?? "", { body: text });
        res.writeHead(response.status, Object.fromEntries(response.headers));
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
        res.end();
      } catch (error) {
        const reply = (error as { reply?: { status: number; error: unknown } }).reply;
        if (reply === undefined) throw error;
        res.writeHead(reply.status, { "content-type": "application/json", ...(reply.status === 429 ? { "retry-after": "1" } : {}) });
        res.end(JSON.stringify({ error: reply.error }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
