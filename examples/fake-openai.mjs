// A stand-in for the OpenAI Chat Completions API inside the process: a `fetch` to give the real
// `openai` client (`new OpenAI({ fetch: fakeOpenAI(reply) })`), answering in the documented wire
// format — a `chat.completion` JSON body, or with `stream: true` an SSE stream of
// `chat.completion.chunk`s ending in `data: [DONE]`, with a usage chunk when the request sets
// `stream_options.include_usage`. `reply(body)` says what the model answers: { content?,
// toolCalls?: [{ name, arguments }], promptTokens?, completionTokens? }.
let served = 0;

export function fakeOpenAI(reply) {
  return async function fetch(_url, init) {
    const body = JSON.parse(init.body);
    const answer = await reply(body);
    const id = `chatcmpl-fake${++served}`;
    const usage = { prompt_tokens: answer.promptTokens ?? 0, completion_tokens: answer.completionTokens ?? 0, total_tokens: (answer.promptTokens ?? 0) + (answer.completionTokens ?? 0) };
    const toolCalls = answer.toolCalls?.map((c, i) => ({ id: `call_${served}_${i}`, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
    const finish = toolCalls ? "tool_calls" : "stop";
    const model = `${body.model}-fake`;
    const headers = { "x-request-id": `req_${served}` };
    if (!body.stream) {
      const message = { role: "assistant", content: answer.content ?? null, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
      const completion = { id, object: "chat.completion", created: 1765000000, model, choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage };
      return new Response(JSON.stringify(completion), { status: 200, headers: { ...headers, "content-type": "application/json" } });
    }
    const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1765000000, model, choices, ...extra })}\n\n`;
    const events = [chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])];
    for (const word of (answer.content ?? "").split(/(?<= )/)) if (word) events.push(chunk([{ index: 0, delta: { content: word }, finish_reason: null }]));
    events.push(chunk([{ index: 0, delta: {}, finish_reason: finish }]));
    if (body.stream_options?.include_usage) events.push(chunk([], { usage }));
    events.push("data: [DONE]\n\n");
    const encoder = new TextEncoder();
    const stream = new ReadableStream({
      async pull(controller) {
        const next = events.shift();
        if (next === undefined) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, 2));
        controller.enqueue(encoder.encode(next));
      },
    });
    return new Response(stream, { status: 200, headers: { ...headers, "content-type": "text/event-stream" } });
  };
}
