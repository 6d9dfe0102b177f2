/**
 * A rewriter error mid-stream must not let the rest of the page through unfiltered: HTMLRewriter
 * errors the stream, and nothing in the gate catches that to carry on.
 */
import { expect, it } from "vitest";
import { decide } from "../../src/consent/decide";
import { rewriteHtml } from "../../src/html/rewriter";
import { activatePolicy } from "../../src/policy/active";
import { html, NOW, SHIPPED, SITE } from "../helpers/gate";

it("a handler that throws truncates the page instead of passing the rest unfiltered", async () => {
  const { policy } = activatePolicy(SHIPPED);
  const decision = decide(policy, { host: "kevyt.example", headers: new Headers() }, NOW);
  const page = `<p>before</p>${"<p>filler</p>".repeat(500)}<script src="https://www.googletagmanager.com/gtm.js?id=G"></script><p>after</p><script src="https://widget.intercom.io/widget/a"></script>`;
  const res = rewriteHtml(html(page), {
    policy,
    decision,
    pageUrl: new URL(SITE),
    inlineLimit: 1 << 20,
    onRemoved: () => {
      throw new Error("handler failure");
    },
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let failed = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
  } catch {
    failed = true;
  }
  expect(failed).toBe(true);
  expect(seen).not.toContain("<p>after</p>");
  expect(seen).not.toContain("googletagmanager");
  expect(seen).not.toContain("intercom");
});
