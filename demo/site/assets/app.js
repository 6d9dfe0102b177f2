// Kevyt Pankki Demo – first-party site script.
// Loads nothing from third parties and must keep working when the
// gatekeeper has removed GTM, gtag.js, Intercom and Elfsight.
(() => {
  const doc = document;
  const euro = new Intl.NumberFormat("fi-FI", { style: "currency", currency: "EUR" });

  // First-party event hook: pushes to dataLayer only if a tag manager created it.
  const track = (event, detail = {}) => {
    if (Array.isArray(window.dataLayer)) window.dataLayer.push({ event, ...detail });
  };

  for (const el of doc.querySelectorAll("[data-year]")) {
    el.textContent = String(new Date().getFullYear());
  }

  // Mobile navigation
  const navToggle = doc.querySelector("[data-nav-toggle]");
  const nav = doc.getElementById("paavalikko");
  if (navToggle && nav) {
    navToggle.addEventListener("click", () => {
      const open = navToggle.getAttribute("aria-expanded") !== "true";
      navToggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }

  // "Logged in" notice after POST /login -> 303 /?kirjautunut=1
  const notice = doc.querySelector("[data-login-notice]");
  if (notice && new URLSearchParams(location.search).has("kirjautunut")) {
    notice.hidden = false;
  }

  // CTA clicks
  doc.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const cta = target?.closest("[data-cta]");
    if (cta instanceof HTMLElement) track("cta_click", { cta: cta.dataset.cta });

    // Chat link: open Intercom when it is really loaded, else fall back to mailto.
    const chat = target?.closest("[data-chat]");
    if (chat && typeof window.Intercom === "function" && window.Intercom.booted) {
      event.preventDefault();
      window.Intercom("show");
    }
  });

  // Cookie settings dialog: lists the categories from window.KP_CONFIG.
  const dialog = doc.getElementById("evasteasetukset");
  const list = doc.querySelector("[data-consent-list]");
  const categories = window.KP_CONFIG?.consentCategories ?? {
    necessary: "Välttämättömät",
    analytics: "Analytiikka",
    marketing: "Markkinointi",
    functional: "Toiminnalliset",
  };
  if (list) {
    for (const label of Object.values(categories)) {
      const item = doc.createElement("li");
      item.textContent = label;
      list.append(item);
    }
  }
  for (const button of doc.querySelectorAll("[data-consent-open]")) {
    button.addEventListener("click", () => {
      if (dialog instanceof HTMLDialogElement) dialog.showModal();
    });
  }

  // Pricing page fee calculator
  const calculator = doc.querySelector("[data-fee-calculator]");
  const pricing = window.KP_PRICING;
  if (calculator instanceof HTMLFormElement && pricing) {
    const update = () => {
      const amount = Number(calculator.elements.namedItem("amount")?.value ?? 0);
      const plan = calculator.elements.namedItem("plan")?.value ?? "kevyt";
      const afterFee = Math.max(0, amount) * (1 - (pricing.plans[plan] ?? pricing.plans.kevyt));
      const taxable = afterFee * (1 - pricing.sideCostRate);
      const net = taxable * (1 - pricing.withholdingRate);
      const output = calculator.elements.namedItem("result");
      if (output) output.value = `Tilillesi noin ${euro.format(net)}`;
    };
    calculator.addEventListener("input", update);
    calculator.addEventListener("submit", (event) => event.preventDefault());
    update();
  }
})();
