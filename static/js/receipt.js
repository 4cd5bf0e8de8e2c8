// Receipt page: the print button (no inline scripts, so the CSP can forbid them).
document.getElementById("print-receipt")?.addEventListener("click", () => window.print());
