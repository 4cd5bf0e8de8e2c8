// Every form page: a live character counter under each text box with a limit, and the
// one-time token of a form kept with its place in the history, so the same form sent
// again after Back (or a reload) finds the case it already made instead of a second one.
(() => {
  const text = document.currentScript.dataset;
  const say = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

  function counter(box) {
    const limit = Number(box.getAttribute("maxlength"));
    if (!limit || box.dataset.counted) return;
    box.dataset.counted = "1";
    const shown = document.createElement("div");
    shown.className = "char-counter form-text";
    shown.id = `${box.id || box.name}-counter`;
    const spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    box.after(shown, spoken);
    const described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    box.setAttribute("aria-describedby", [...described, shown.id].join(" "));
    let stage = "";
    function update() {
      const used = box.value.length, left = limit - used;
      shown.textContent = say(text.counter, { used, limit });
      const now = left <= 0 ? "full" : left <= Math.max(50, limit / 10) ? "near" : "";
      shown.classList.toggle("char-counter-near", now === "near");
      shown.classList.toggle("char-counter-full", now === "full");
      if (now !== stage) {  // spoken only when a threshold is crossed, not at every key
        spoken.textContent = now === "full" ? say(text.counterFull, { limit })
          : now === "near" ? say(text.counterNear, { left }) : "";
        stage = now;
      }
    }
    box.addEventListener("input", update);
    box.addEventListener("paste", (event) => {
      const pasted = (event.clipboardData || window.clipboardData).getData("text");
      const selected = box.selectionEnd - box.selectionStart;
      if (box.value.length - selected + pasted.replace(/\r\n/g, "\n").length > limit) {
        setTimeout(() => { spoken.textContent = say(text.counterCut, { limit }); }, 0);
      }
    });
    update();
  }
  document.querySelectorAll("textarea[maxlength]").forEach(counter);

  for (const form of document.querySelectorAll("form[data-one-time]")) {
    const token = form.querySelector("input[name=token]");
    if (!token) continue;
    const kept = history.state && history.state.oneTimeToken;
    if (kept) token.value = kept;  // back on a form already sent: its token, not a new one
    form.addEventListener("submit", () => {
      history.replaceState({ ...(history.state || {}), oneTimeToken: token.value }, "");
    });
  }
})();
