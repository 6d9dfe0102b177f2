/**
 * Types for tag-gatekeeper's client API: `window.gatekeeper` and the `gatekeeper:change` event,
 * defined by /__gk/consent.js, which the gatekeeper includes in every HTML page it serves.
 * docs/CLIENT-API.md is the reference.
 *
 * Use it from a site's TypeScript with `/// <reference path="…/gatekeeper.d.ts" />`, or by listing
 * the file in tsconfig.json's "include" or "files" (it needs the DOM library). It declares the
 * global `gatekeeper` (undefined until the deferred script has run, or on a page the gatekeeper
 * did not serve) and the event's type on `window.addEventListener`, and exports the types.
 */

/** The visitor's consent as the gatekeeper decides it for this page, now. */
export interface GatekeeperState {
  /** Purpose ids allowed now, the always-on ones (`necessary`) included; sorted. */
  readonly allowed: readonly string[];
  /** Whether a consent source holds an active choice; false until the visitor has chosen. */
  readonly decided: boolean;
  /**
   * The consent source that decided, as named in the site file's `consent.sources` (`gatekeeper`
   * for the gatekeeper's own banner and preferences page), or null while undecided.
   */
  readonly source: string | null;
  /** The browser sends Global Privacy Control and the site honours it: some purposes stay refused. */
  readonly gpc: boolean;
}

/** `event.detail` of `gatekeeper:change`, and what `onChange` listeners receive. */
export interface GatekeeperChange extends GatekeeperState {
  /** Purposes allowed by this change. */
  readonly added: readonly string[];
  /** Purposes refused by this change (withdrawn). */
  readonly removed: readonly string[];
  /**
   * A purpose is allowed now that was refused when this page was rendered. The gatekeeper removed
   * its tags from the page, so they load only after a reload (which `set()` does by default).
   */
  readonly reload: boolean;
}

export interface GatekeeperSetOptions {
  /**
   * Reload the page after the change. Default: only when a purpose is now allowed whose tags were
   * removed from this page. `false`: never (the caller loads what it needs). `true`: after any change.
   */
  reload?: boolean;
}

export interface Gatekeeper extends GatekeeperState {
  /** Every purpose id the site's policy has. */
  readonly purposes: readonly string[];
  /** Whether a purpose is allowed now. */
  has(purpose: string): boolean;
  /**
   * Records a new choice: exactly these purposes are allowed from now on (the always-on ones
   * are added; `[]` refuses everything else, as "Reject all" does). Posts the consent form
   * same-origin and resolves with the new state once the consent cookie is set; the answer
   * deletes the cookies of purposes now refused. Rejects with a TypeError for a purpose the site
   * does not have, and with an Error when the choice could not be saved.
   */
  set(purposes: readonly string[], options?: GatekeeperSetOptions): Promise<GatekeeperState>;
  /** Shows the choice: focuses the banner when it is on the page, else opens the preferences page. */
  open(): void;
  /** Calls `listener` after every change, once per change. Returns a function that stops it. */
  onChange(listener: (change: GatekeeperChange) => void): () => void;
}

declare global {
  // `var`, so that both `gatekeeper` and `window.gatekeeper` are typed.
  var gatekeeper: Gatekeeper | undefined;
  interface WindowEventMap {
    "gatekeeper:change": CustomEvent<GatekeeperChange>;
  }
}
