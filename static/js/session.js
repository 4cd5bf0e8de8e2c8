// Staff pages: a warning two minutes before the session ends for want of activity, with
// "Остани в системата". Typing is not activity the server sees, so a long text would
// otherwise meet the login page; a form sent after the end is kept anyway
// (bureau/web/common/kept_forms.py). The server's own count decides: another tab may have kept
// the session alive, so the page asks before it warns.
(() => {
  const data = document.currentScript.dataset;
  const box = document.getElementById("session-warning");
  if (!box) return;
  const text = document.getElementById("session-warning-text");
  const countdown = document.getElementById("session-countdown");
  const stay = document.getElementById("session-stay");
  const WARN = 120;  // seconds before the end
  let timer = null, tick = null, deadline = 0;

  async function secondsLeft(url) {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || response.redirected) return 0;
      return (await response.json()).seconds_left;
    } catch {
      return null;  // offline for a moment: ask again later
    }
  }
  function schedule(left) {
    clearTimeout(timer);
    clearInterval(tick);
    box.hidden = true;
    timer = setTimeout(check, Math.max(left - WARN, 5) * 1000);
  }
  async function check() {
    const left = await secondsLeft(data.statusUrl);
    if (left === null) return schedule(WARN + 30);
    if (left > WARN) return schedule(left);
    warn(left);
  }
  function clockText(seconds) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }
  function warn(left) {
    deadline = Date.now() + left * 1000;
    text.textContent = left > 0 ? data.textWarning : data.textEnded;
    stay.hidden = left <= 0;
    box.hidden = false;
    clearInterval(tick);
    show();
    tick = setInterval(show, 1000);
  }
  function show() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = left > 0 ? clockText(left) : "";
    if (left === 0 && !stay.hidden) {
      clearInterval(tick);
      text.textContent = data.textEnded;  // a new sentence: read out once
      stay.hidden = true;
    }
  }
  stay.addEventListener("click", async () => {
    const left = await secondsLeft(data.keepaliveUrl);
    if (left) schedule(left);
    else warn(0);
  });
  document.getElementById("session-warning-close").addEventListener("click", () => {
    box.hidden = true;  // the countdown goes on; the next check warns again if need be
  });
  schedule(Number(data.secondsLeft) || 0);
})();
