/**
 * A `Response` whose body is a string the server built (the lean paths' answers, plain-requests.ts), kept as that
 * string: undici builds a web stream for every string body (`extractBody`), and writing one to a socket means reading
 * that stream back chunk by chunk, several µs and a dozen promises per answer on the task round trip. The node adapter
 * (node-json-handler.ts) writes `textOf(response)` with one `res.end`; anyone else who reads the body gets a real one,
 * built on first use, so the answer reads exactly as `new Response(text, init)` would.
 */

/** The text of each lean answer whose body nobody has read through the web API. */
const TEXTS = new WeakMap<Response, string>();

export class TextResponse extends Response {
  readonly #text: string;
  #real?: Response;

  /** `headers` must name the content type (a string body would otherwise add `text/plain;charset=UTF-8`). */
  constructor(text: string, init: { status: number; headers: Readonly<Record<string, string>> }) {
    super(null, init);
    this.#text = text;
    TEXTS.set(this, text);
  }

  /** `new Response(text, init)`, made on first use; from then on its body is the only one. */
  #materialized(): Response {
    if (!this.#real) {
      TEXTS.delete(this);
      this.#real = new Response(this.#text, {
        status: this.status,
        statusText: this.statusText,
        headers: this.headers,
      });
    }
    return this.#real;
  }

  override get body(): Response['body'] {
    return this.#materialized().body;
  }
  override get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : false;
  }
  override text(): Promise<string> {
    return this.#materialized().text();
  }
  override json(): Promise<unknown> {
    return this.#materialized().json();
  }
  override arrayBuffer(): ReturnType<Response['arrayBuffer']> {
    return this.#materialized().arrayBuffer();
  }
  override bytes(): ReturnType<Response['bytes']> {
    return this.#materialized().bytes();
  }
  override blob(): Promise<Blob> {
    return this.#materialized().blob();
  }
  override formData(): Promise<FormData> {
    return this.#materialized().formData();
  }
  override clone(): Response {
    return this.#materialized().clone();
  }
}

/** The string to write for `response` when it is a `TextResponse` whose body nobody read; else undefined. */
export function textOf(response: Response): string | undefined {
  return TEXTS.get(response);
}
