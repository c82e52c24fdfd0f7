// The browser's WebSocket, except that close() reports the close within a second. A
// browser reports it only once the server answers the close, and a connection gone
// silent (dropped Wi-Fi, a sleeping laptop) never answers: tRPC's keep-alive closes
// such a socket, and the tab would wait a minute to reconnect. Each close listener runs
// once per socket, for whichever close comes first.
const reportWithinMs = 1_000;

export function promptlyClosing(Base: typeof WebSocket): typeof WebSocket {
  return class PromptlyClosing extends Base {
    private reported = false;

    override addEventListener(
      type: string,
      listener: EventListenerOrEventListenerObject | null,
      options?: boolean | AddEventListenerOptions,
    ): void {
      if (!listener) return;
      if (type !== 'close') {
        super.addEventListener(type, listener, options);
        return;
      }
      let ran = false;
      super.addEventListener(
        'close',
        (event) => {
          this.reported = true;
          if (ran) return;
          ran = true;
          if (typeof listener === 'function') listener.call(this, event);
          else listener.handleEvent(event);
        },
        options,
      );
    }

    override close(code?: number, reason?: string): void {
      super.close(code, reason);
      setTimeout(() => {
        if (!this.reported) this.dispatchEvent(new CloseEvent('close', { code: 1006, reason }));
      }, reportWithinMs);
    }
  };
}
