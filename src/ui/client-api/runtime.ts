/**
 * `window.gatekeeper` in the page: the browser side of the client API (docs/CLIENT-API.md). It
 * starts from the state the edge wrote into its own `<script data-gatekeeper data-state>` element,
 * so reading consent costs no request. A choice posts the consent form, whose answer redirects to
 * GET /__gk/consent: the same request sequence sets the cookie and reads back the state decide()
 * now gives, so the page never holds another. Each change dispatches one `gatekeeper:change`
 * event and pushes the Consent Mode update that answer carries.
 *
 * It reaches the page only through the interfaces below, so that the workerd suite can run it on
 * a stand-in window; ./entry.ts hands it the real one. Every byte here is sent to every visitor
 * once (docs/CLIENT-API.md gives the size): keep it small.
 */
import type { Gatekeeper } from "../../../types/gatekeeper";
import {
  CHANGE_EVENT,
  type ChangeDetail,
  type ClientState,
  CONSENT_PATH,
  changeOf,
  consentFormFields,
  PREFERENCES_PATH,
  readConsentMode,
  readState,
  unknownPurposes,
} from "./state";

/** What the edge writes into the served script (./served.ts): the site's facts, the same for every visitor. */
export interface ClientConfig {
  /** Every purpose id of the policy. */
  purposes: readonly string[];
  /** The cookies decide() reads (the consent sources'): when one changes, another tab chose. */
  cookies: readonly string[];
}

interface AnswerLike {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

interface ElementLike {
  getAttribute(name: string): string | null;
}

interface BannerLike {
  focus(): void;
  remove(): void;
}

/** The parts of `window` the API uses. */
export interface ClientWindow {
  gatekeeper?: unknown;
  dataLayer?: { push(item: unknown): unknown };
  gtag?: unknown;
  fetch(url: string, init?: { method: string; body: URLSearchParams }): Promise<AnswerLike>;
  location: { pathname: string; search: string; reload(): void; assign(url: string): void };
  document: {
    cookie: string;
    visibilityState?: string;
    currentScript?: ElementLike | null;
    getElementById(id: string): BannerLike | null;
  };
  CustomEvent: new (type: string, init: { detail: ChangeDetail }) => Event;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
  dispatchEvent(event: Event): boolean;
}

const BANNER_ID = "gk-banner";

/**
 * Defines `window.gatekeeper` from the state on `script`, the element the edge injected. Once per
 * window: a second copy of the element (in an HTML fragment a page inserts) changes nothing.
 */
export function installGatekeeper(w: ClientWindow, script: ElementLike | null, config: ClientConfig): void {
  const initial = readState(parseJson(script?.getAttribute("data-state")));
  if (w.gatekeeper || !initial) return;
  const lang = script?.getAttribute("data-lang") ?? "";
  let state = initial;
  const cookies = () => consentCookies(w.document.cookie, config.cookies);
  let seen = cookies();
  // One choice or read-back at a time, applied in the order they were made.
  let queue: Promise<unknown> = Promise.resolve();

  /** Fetches a new state (a choice, or a read-back) and applies it; resolves with the state now held. */
  const update = (init: { method: string; body: URLSearchParams } | undefined, reload?: boolean) => {
    const run = () =>
      w.fetch(CONSENT_PATH, init).then((answer) => {
        const fail = () => {
          throw new Error(`gatekeeper: no consent state (HTTP ${answer.status})`);
        };
        return answer.ok
          ? answer.json().then((json) => apply(readState(json) ?? fail(), readConsentMode(json), reload))
          : fail();
      });
    const next = queue.then(run, run);
    queue = next.catch(ignore);
    return next;
  };

  const apply = (next: ClientState, consentMode: object | null, reload: boolean | undefined): ClientState => {
    seen = cookies();
    const change = changeOf(state, next, initial.allowed);
    if (!change) return state;
    state = next;
    // The visitor has chosen: the banner has nothing left to ask.
    if (next.decided) w.document.getElementById(BANNER_ID)?.remove();
    if (consentMode) pushConsentMode(w, consentMode);
    w.dispatchEvent(new w.CustomEvent(CHANGE_EVENT, { detail: change }));
    if (reload || (reload !== false && change.reload)) w.location.reload();
    return state;
  };

  /** A consent cookie changed behind this page's back (another tab, the back/forward cache): read the state again. */
  const sync = () => {
    if (w.document.visibilityState !== "hidden" && cookies() !== seen) update(undefined, false).catch(ignore);
  };

  const api: Gatekeeper = {
    get allowed() {
      return state.allowed;
    },
    get decided() {
      return state.decided;
    },
    get source() {
      return state.source;
    },
    get gpc() {
      return state.gpc;
    },
    purposes: Object.freeze(config.purposes),
    has: (purpose) => state.allowed.includes(purpose),
    set(purposes, options) {
      const unknown = Array.isArray(purposes) ? unknownPurposes(purposes, config.purposes) : [String(purposes)];
      if (unknown.length) return Promise.reject(new TypeError(`gatekeeper.set: unknown purpose ${unknown}`));
      const body = new URLSearchParams(consentFormFields(purposes, lang));
      return update({ method: "POST", body }, options?.reload);
    },
    open() {
      const banner = w.document.getElementById(BANNER_ID);
      if (banner) banner.focus();
      else
        w.location.assign(`${PREFERENCES_PATH}?return=${encodeURIComponent(w.location.pathname + w.location.search)}`);
    },
    onChange(listener) {
      const handler = (event: { detail: ChangeDetail }) => listener(event.detail);
      w.addEventListener(CHANGE_EVENT, handler);
      return () => w.removeEventListener(CHANGE_EVENT, handler);
    },
  };
  Object.defineProperty(w, "gatekeeper", { value: Object.freeze(api), enumerable: true });
  for (const type of ["pageshow", "focus", "visibilitychange"]) w.addEventListener(type, sync);
}

/**
 * `gtag('consent', 'update', …)` where Google's tags can hear it: through the page's gtag, or onto
 * an existing dataLayer as gtag pushes it (an Arguments object: Google's tags skip plain arrays).
 */
function pushConsentMode(w: ClientWindow, signals: object): void {
  if (typeof w.gtag === "function") w.gtag("consent", "update", signals);
  else if (typeof w.dataLayer?.push === "function") {
    const layer = w.dataLayer;
    (function gtag(..._: unknown[]) {
      // biome-ignore lint/complexity/noArguments: gtag's own queue format is the Arguments object.
      layer.push(arguments);
    })("consent", "update", signals);
  }
}

/**
 * The consent sources' cookies as `name=value` pairs, to tell when one changed. Which of them
 * counts, and how, is decide()'s business: a change only means "read the state again".
 */
function consentCookies(jar: string, names: readonly string[]): string {
  return jar
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => names.includes(pair.slice(0, pair.indexOf("="))))
    .join();
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function ignore(): void {}
