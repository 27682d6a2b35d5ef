// The call every benchmark makes: a tool-shaped function with a realistic argument object
// (about 1 KB as JSON), in a sync and an async flavour. Shared so that every run measures
// the same work.
export const args = {
  query: "Find flights from Lisbon to Tokyo leaving next Friday, window seat, one checked bag",
  user: { id: "u_48213", locale: "en-GB", tier: "gold", email: "traveller@example.com" },
  filters: { maxStops: 1, cabin: "economy", alliances: ["oneworld", "star"], departAfter: "2026-12-04T06:00:00Z" },
  history: Array.from({ length: 6 }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: `Turn ${i}: the traveller asked about fares, baggage and seat maps for the outbound leg.`,
  })),
  options: { currency: "EUR", includeNearbyAirports: true, flexibleDays: 2, sort: "price" },
};

export const ARGS_JSON_BYTES = Buffer.byteLength(JSON.stringify(args));

export function searchFlights(a) {
  return { count: a.history.length, currency: a.options.currency, cheapest: 612.4 };
}

export async function searchFlightsAsync(a) {
  return { count: a.history.length, currency: a.options.currency, cheapest: 612.4 };
}
