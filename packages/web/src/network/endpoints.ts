/** Where the APIs live. Set at build time (VITE_HTTP_URL / VITE_WS_URL); defaults match the local stack. */
const trimSlash = (url: string) => url.replace(/\/+$/, "");

export const httpUrl = trimSlash(import.meta.env.VITE_HTTP_URL || "http://127.0.0.1:3000");
export const wsUrl = trimSlash(import.meta.env.VITE_WS_URL || "ws://127.0.0.1:3001");
