// Receipt page: the print button (no inline scripts, so the CSP can forbid them), and the
// one-time token that showed the PIN dropped from the address bar and the history.
document.getElementById("print-receipt")?.addEventListener("click", () => window.print());
if (new URLSearchParams(location.search).has("r")) history.replaceState(null, "", location.pathname);
