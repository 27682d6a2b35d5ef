// Stands in for Datadog's OTLP logs intake (which cannot be reached from here): the in-process
// receiver records every request's headers and raw body and decodes the protobuf.
import { connect, createServer } from "node:net";
import type { Socket } from "node:net";
import { startOtlpReceiver } from "../../support/otlp-receiver.js";
import type { OtlpReceiver } from "../../support/otlp-receiver.js";
import { DOCKER } from "./peers.js";

/** Under Docker the Collector container reaches the host here (see the README). */
export const DOCKER_DATADOG_PORT = 14319;

export interface DatadogStandIn {
  receiver: OtlpReceiver;
  /** What the Collector's Datadog exporter is pointed at instead of `https://otlp.<site>/v1/logs`. */
  logsUrl: string;
  close(): Promise<void>;
}

export async function startDatadogStandIn(): Promise<DatadogStandIn> {
  const receiver = await startOtlpReceiver();
  if (!DOCKER) return { receiver, logsUrl: `${receiver.httpUrl}/v1/logs`, close: () => receiver.close() };
  const relay = await relayTo(receiver.httpPort);
  return {
    receiver,
    logsUrl: `http://host.docker.internal:${DOCKER_DATADOG_PORT}/v1/logs`,
    close: async () => {
      await relay.close();
      await receiver.close();
    },
  };
}

/** Relays connections on every interface (the Collector container's network) to the loopback receiver. */
function relayTo(port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
    return socket;
  };
  const server = createServer((client) => {
    const target = track(connect(port, "127.0.0.1"));
    track(client).pipe(target).pipe(client);
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(DOCKER_DATADOG_PORT, "0.0.0.0", () => resolve({ close }));
  });
}
