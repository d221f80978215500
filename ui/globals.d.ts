// Types of what Tauri puts on `window` (withGlobalTauri).
interface Window {
  __TAURI__: {
    core: {
      invoke<T>(cmd: string, args?: Record<string, unknown> | Uint8Array, options?: { headers: Record<string, string> }): Promise<T>;
      Channel: new <T>() => { onmessage: (message: T) => void };
    };
    event: {
      listen<T>(event: string, handler: (event: { payload: T }) => void): Promise<() => void>;
    };
  };
}
