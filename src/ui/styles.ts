/**
 * The injected CSS. Scoped under `.gk` so it neither leaks into the page nor picks up the page's
 * own rules more than a reset can prevent. Buttons share one class: accept, reject and settings
 * have equal prominence (Traficom: refusing is as easy as accepting).
 */
export const BANNER_CSS = `.gk{all:initial;box-sizing:border-box;display:block;position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-width:40rem;margin:0 auto;padding:1.25rem;background:#fff;color:#1a1a1a;border:2px solid #1a1a1a;border-radius:.5rem;box-shadow:0 .5rem 2rem rgba(0,0,0,.25);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.gk *{box-sizing:border-box;font:inherit;color:inherit}
.gk h2{margin:0 0 .5rem;font-size:1.2rem;font-weight:700}
.gk p{margin:0 0 1rem}
.gk form{margin:0}
.gk-actions{display:flex;flex-wrap:wrap;gap:.5rem}
.gk-btn{flex:1 1 10rem;display:inline-block;min-height:2.75rem;padding:.6rem 1rem;border:2px solid #1a1a1a;border-radius:.375rem;background:#1a1a1a;color:#fff!important;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
.gk-btn:hover{background:#333}
.gk-btn:focus-visible,.gk:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.gk-footer{all:initial;display:block;padding:1rem;text-align:center;font:14px/1.5 system-ui,sans-serif}
.gk-footer a{color:inherit}
.gk-ph{all:initial;display:block;margin:1rem 0;padding:1rem;border:2px dashed #555;border-radius:.5rem;background:#f6f6f6;color:#1a1a1a;font:16px/1.5 system-ui,sans-serif}
.gk-ph p{margin:0 0 .75rem}
.gk-ph .gk-btn{flex:none}
.gk-chat{all:initial;position:fixed;z-index:2147483646;right:1rem;bottom:1rem;max-width:18rem;padding:.75rem;background:#fff;color:#1a1a1a;border:2px solid #1a1a1a;border-radius:.5rem;font:14px/1.4 system-ui,sans-serif}
.gk-chat p{margin:0 0 .5rem}`;
