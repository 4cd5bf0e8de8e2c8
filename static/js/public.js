// The public site: move the focus to what needs reading after a submit (an error summary,
// a refusal, the confirmation), and the print button. No inline scripts: the CSP forbids them.
(() => {
  const target =
    document.getElementById("error-summary") ||
    document.getElementById("lookup-refused") ||
    document.getElementById("done-title");
  if (target) target.focus();
  // The confirmation: the one-time token that showed the PIN leaves the address bar.
  if (document.getElementById("done-title") && new URLSearchParams(location.search).has("r")) {
    history.replaceState(null, "", location.pathname);
  }
  for (const button of document.querySelectorAll(".js-print")) {
    button.addEventListener("click", () => window.print());
  }
})();
