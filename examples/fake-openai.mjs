// A stand-in for the OpenAI Chat Completions and Responses APIs inside the process: a `fetch` to
// give the real `openai` client (`new OpenAI({ fetch: fakeOpenAI(reply) })`), answering in the
// documented wire format — a `chat.completion` JSON body, or with `stream: true` an SSE stream of
// `chat.completion.chunk`s ending in `data: [DONE]`, with a usage chunk when the request sets
// `stream_options.include_usage`; on `/responses` a `response` object, or with `stream: true` its
// event stream (`response.created` … `response.completed`). `reply(body)` says what the model
// answers: { content?, toolCalls?: [{ name, arguments }], promptTokens?, completionTokens? }.
let served = 0;

export function fakeOpenAI(reply) {
  return async function fetch(url, init) {
    const body = JSON.parse(init.body);
    const answer = await reply(body);
    if (String(url).split("?")[0].endsWith("/responses")) return responsesAnswer(body, answer, ++served);
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
    return eventStream(events, headers);
  };
}

/** The Responses API's answer: the `response` object, or its event stream. */
function responsesAnswer(body, answer, n) {
  const model = `${body.model}-fake`;
  const output = [
    ...(answer.toolCalls ?? []).map((c, i) => ({ type: "function_call", id: `fc_${n}_${i}`, call_id: `call_${n}_${i}`, name: c.name, arguments: JSON.stringify(c.arguments), status: "completed" })),
    ...(answer.content !== undefined ? [{ type: "message", id: `msg_${n}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: answer.content, annotations: [], logprobs: [] }] }] : []),
  ];
  const input = answer.promptTokens ?? 0;
  const outputTokens = answer.completionTokens ?? 0;
  const response = (status, items) => ({
    id: `resp_fake${n}`, object: "response", created_at: 1765000000, status, model, output: items, error: null, incomplete_details: null,
    instructions: body.instructions ?? null, metadata: {}, parallel_tool_calls: true, temperature: 1, top_p: 1, tool_choice: "auto", tools: body.tools ?? [],
    text: { format: { type: "text" } }, usage: status === "completed" ? { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + outputTokens } : null,
  });
  const headers = { "x-request-id": `req_${n}` };
  if (!body.stream) return new Response(JSON.stringify(response("completed", output)), { status: 200, headers: { ...headers, "content-type": "application/json" } });
  let seq = 0;
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const events = [event("response.created", { response: response("in_progress", []) }), event("response.in_progress", { response: response("in_progress", []) })];
  output.forEach((item, index) => {
    if (item.type === "function_call") {
      events.push(event("response.output_item.added", { output_index: index, item: { ...item, arguments: "", status: "in_progress" } }));
      events.push(event("response.function_call_arguments.delta", { item_id: item.id, output_index: index, delta: item.arguments }));
      events.push(event("response.function_call_arguments.done", { item_id: item.id, output_index: index, arguments: item.arguments }));
    } else {
      const text = item.content[0].text;
      events.push(event("response.output_item.added", { output_index: index, item: { ...item, status: "in_progress", content: [] } }));
      events.push(event("response.content_part.added", { item_id: item.id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [] } }));
      for (const word of text.split(/(?<= )/)) if (word) events.push(event("response.output_text.delta", { item_id: item.id, output_index: index, content_index: 0, delta: word, logprobs: [] }));
      events.push(event("response.output_text.done", { item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] }));
      events.push(event("response.content_part.done", { item_id: item.id, output_index: index, content_index: 0, part: item.content[0] }));
    }
    events.push(event("response.output_item.done", { output_index: index, item }));
  });
  events.push(event("response.completed", { response: response("completed", output) }));
  return eventStream(events, headers);
}

/** An SSE response that sends `events` one at a time, a few milliseconds apart, as a server streams. */
function eventStream(events, headers) {
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
}
