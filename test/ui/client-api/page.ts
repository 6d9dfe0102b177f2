/**
 * A stand-in page for the client API's runtime (src/ui/client-api/runtime.ts) inside workerd: a
 * window (an EventTarget with the few properties the runtime uses) whose fetch goes to the real
 * app the way a browser's would, with a cookie jar, same-origin headers and redirects followed.
 * Its first state comes from the `<script data-gatekeeper>` element the app injects into a page,
 * read with parse5, which decodes attribute values as a browser's parser does (HTMLRewriter hands
 * them over as written, character references and all).
 */
import { type DefaultTreeAdapterMap, parse } from "parse5";
import type { ClientWindow } from "../../../src/ui/client-api/runtime";
import { SITE } from "../../helpers/gate";

type Request = (path: string, init?: RequestInit) => Response | Promise<Response>;

export interface FakePage {
  window: ClientWindow & EventTarget;
  /** The site's cookies as the browser keeps them. */
  jar: Map<string, string>;
  /** Every request the page made: method, path, and the form it posted. */
  requests: Array<{ method: string; path: string; form?: Array<[string, string]> }>;
  reloads: number;
  assigned: string[];
  /** The banner element's stand-in, while the page has one. */
  banner: { focused: number; removed: boolean } | null;
  /** What arrived on the page's dataLayer, and calls of its gtag when it has one. */
  dataLayer?: unknown[];
  gtagCalls?: unknown[][];
  events: Array<{ type: string; detail: unknown }>;
  /** The attributes of the app's script element (null: none in the page). */
  element: Record<string, string> | null;
}

export interface FakePageOptions {
  cookies?: Record<string, string>;
  banner?: boolean;
  dataLayer?: boolean;
  gtag?: boolean;
  headers?: Record<string, string>;
}

const jarHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

function store(jar: Map<string, string>, res: Response) {
  for (const line of res.headers.getSetCookie()) {
    const [pair = "", ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    if (attrs.some((a) => a.trim().toLowerCase() === "max-age=0")) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1).trim());
  }
}

type Node = DefaultTreeAdapterMap["node"];

/** The attributes of the client API's element in a page, decoded (null: none in the page). */
export function clientElementIn(page: string): Record<string, string> | null {
  const find = (node: Node): Record<string, string> | null => {
    if (node.nodeName === "script" && "attrs" in node) {
      const attrs = Object.fromEntries(node.attrs.map((a) => [a.name, a.value]));
      if ("data-gatekeeper" in attrs && attrs.src?.startsWith("/__gk/consent.js")) return attrs;
    }
    for (const child of "childNodes" in node ? node.childNodes : []) {
      const found = find(child);
      if (found) return found;
    }
    return null;
  };
  return find(parse(page));
}

/** The attributes of the client API's element in a page the app served. */
export async function clientElement(res: Response): Promise<Record<string, string> | null> {
  return clientElementIn(await res.text());
}

export async function openFakePage(request: Request, path = "/", options: FakePageOptions = {}): Promise<FakePage> {
  const jar = new Map(Object.entries(options.cookies ?? {}));
  const target = new EventTarget();
  const page = {
    jar,
    requests: [],
    reloads: 0,
    assigned: [],
    banner: options.banner ? { focused: 0, removed: false } : null,
    events: [],
  } as unknown as FakePage;
  const send = async (method: string, to: string, body?: URLSearchParams): Promise<Response> => {
    const headers: Record<string, string> = { "sec-fetch-site": "same-origin", ...options.headers };
    if (jar.size) headers.cookie = jarHeader(jar);
    if (body) {
      headers.origin = SITE;
      headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    }
    page.requests.push({ method, path: to, form: body ? ([...body] as Array<[string, string]>) : undefined });
    const res = await request(to, { method, headers, body: body?.toString(), redirect: "manual" });
    store(jar, res);
    // fetch follows a 303 with a GET, carrying the cookies just set.
    if (res.status === 303) return send("GET", res.headers.get("location") ?? "/");
    return res;
  };
  const document = {
    get cookie() {
      return jarHeader(jar);
    },
    visibilityState: "visible",
    currentScript: null,
    getElementById: (id: string) =>
      id === "gk-banner" && page.banner && !page.banner.removed
        ? {
            focus: () => {
              page.banner!.focused++;
            },
            remove: () => {
              page.banner!.removed = true;
            },
          }
        : null,
  };
  const window = Object.assign(target, {
    document,
    location: {
      pathname: new URL(path, SITE).pathname,
      search: new URL(path, SITE).search,
      reload: () => {
        page.reloads++;
      },
      assign: (url: string) => {
        page.assigned.push(url);
      },
    },
    fetch: (url: string, init?: { method: string; body: URLSearchParams }) =>
      send(init?.method ?? "GET", url, init?.body),
    CustomEvent,
  }) as unknown as ClientWindow & EventTarget;
  if (options.dataLayer || options.gtag) {
    const layer: unknown[] = [];
    page.dataLayer = layer;
    window.dataLayer = layer;
  }
  if (options.gtag) {
    page.gtagCalls = [];
    window.gtag = (...args: unknown[]) => page.gtagCalls!.push(args);
  }
  target.addEventListener("gatekeeper:change", (e) =>
    page.events.push({ type: e.type, detail: (e as CustomEvent).detail }),
  );
  page.window = window;
  page.element = await clientElement(await send("GET", path));
  page.requests.length = 0;
  return page;
}

/** The element as the runtime reads it. */
export const elementOf = (page: FakePage) =>
  page.element ? { getAttribute: (name: string) => page.element![name] ?? null } : null;
