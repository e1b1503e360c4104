import type { Server } from "node:http";

/** Listens on loopback and resolves with the port actually bound (port 0 asks the OS for a free one). */
export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Port ${port} on ${host} is already in use; set another port or stop what is using it`)
          : error,
      );
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      if (typeof address === "object" && address) resolve(address.port);
      else reject(new Error("server has no TCP address"));
    });
  });
}

/** Closes a server and every connection it still holds (keep-alive sockets would otherwise delay close for seconds). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
