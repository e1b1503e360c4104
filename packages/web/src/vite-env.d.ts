/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the HTTP API, e.g. https://abc.execute-api.eu-west-1.amazonaws.com (default http://127.0.0.1:3000). */
  readonly VITE_HTTP_URL?: string;
  /** URL of the WebSocket API stage, e.g. wss://abc.execute-api.eu-west-1.amazonaws.com/prod (default ws://127.0.0.1:3001). */
  readonly VITE_WS_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
