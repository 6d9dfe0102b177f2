/** The plain page a visitor sees when the origin fails: no stack trace, no internals. */
const TITLES: Record<number, string> = {
  502: "Palvelu ei juuri nyt vastaa / The service is not responding",
  504: "Palvelu vastaa liian hitaasti / The service is taking too long",
};

export function errorPage(status: 502 | 504): Response {
  const title = TITLES[status];
  const body = `<!doctype html>
<html lang="fi" data-gatekeeper><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${status}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>${title}</h1>
<p>Yritä hetken kuluttua uudelleen. / Please try again in a moment.</p>
</body></html>
`;
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
