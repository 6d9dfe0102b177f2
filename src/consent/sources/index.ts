/** The adapter for each source type in a site's `consent.sources`. Pure. */
import type { ConsentSource } from "../../policy/consent-sources";
import type { SourceContext, SourceReading } from "./common";
import { readCookiebotSource } from "./cookiebot";
import { readCookieConsentSource } from "./cookieconsent";
import { readGatekeeperSource } from "./gatekeeper";
import { readOneTrustSource } from "./onetrust";
import { readTcfSource } from "./tcf";

export type { SourceContext, SourceReading } from "./common";

export function readSource(source: ConsentSource, ctx: SourceContext): SourceReading {
  switch (source.type) {
    case "gatekeeper":
      return readGatekeeperSource(ctx);
    case "cookiebot":
      return readCookiebotSource(source, ctx);
    case "onetrust":
      return readOneTrustSource(source, ctx);
    case "tcf":
      return readTcfSource(source, ctx);
    case "cookieconsent":
      return readCookieConsentSource(source, ctx);
  }
}
