// The answers library where people are served. Everything an answer says is put in with
// textContent, never as HTML: the JSON carries plain text only.
//
// At the desk (#answer-suggestions): the published answers of the chosen category and
// service, beside the intake form; each can be opened or printed (a new tab), and
// "answered at once" sets the hidden answered_with and saves the intake.
// On the case page ([data-answer-search]): answers found by words, in Cyrillic or Latin;
// "Вмъкни" puts one's text into the reply and remembers which answer it was.
(() => {
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(href, text, className) {
    const a = element("a", className, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }

  async function fetchAnswers(url, signal) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, signal });
    if (!response.ok) return [];
    return (await response.json()).answers || [];
  }

  function heading(answer, texts) {
    const title = element("div", "fw-semibold", answer.title);
    if (answer.stale) title.append(" ", element("span", "badge text-bg-danger", texts.textStale));
    return title;
  }

  // --- at the desk -----------------------------------------------------------------------
  function deskSuggestions(panel) {
    const form = document.getElementById("intake-form");
    const list = document.getElementById("answer-suggestion-list");
    const status = document.getElementById("answer-suggestions-status");
    const category = document.getElementById("category");
    const service = document.getElementById("service");
    const chosen = document.getElementById("answered_with");
    const description = document.getElementById("description");
    const texts = panel.dataset;
    let pending = null, lastUrl = "";

    function answeredWith(answer) {
      chosen.value = answer.id;
      if (!description.value.trim()) description.value = answer.title;
      form.requestSubmit();
    }

    function show(answers) {
      list.replaceChildren();
      panel.hidden = !answers.length;
      status.textContent = answers.length ? texts.textFound.replace("{count}", answers.length) : "";
      for (const answer of answers) {
        const item = element("li", "border-top py-2 answer-suggestion");
        const actions = element("div", "d-flex flex-wrap gap-2 mt-1");
        const answered = element("button", "btn btn-sm btn-success", texts.textAnswered);
        answered.type = "button";
        answered.dataset.answerId = answer.id;
        answered.addEventListener("click", () => answeredWith(answer));
        actions.append(
          link(answer.print_url, texts.textPrint, "btn btn-sm btn-outline-secondary"),
          link(answer.url, texts.textOpen, "btn btn-sm btn-link"),
          answered,
        );
        item.append(heading(answer, texts), element("div", "small text-body-secondary", answer.excerpt), actions);
        list.append(item);
      }
    }

    async function refresh() {
      const params = new URLSearchParams({ category: category.value, service: service?.value || "" });
      const url = `${panel.dataset.url}?${params}`;
      if (url === lastUrl) return;
      lastUrl = url;
      pending?.abort();
      pending = new AbortController();
      try {
        show(category.value || service?.value ? await fetchAnswers(url, pending.signal) : []);
      } catch (error) {
        if (error.name !== "AbortError") throw error;
      }
    }

    category.addEventListener("change", refresh);
    service?.addEventListener("change", refresh);
    form.addEventListener("submit", () => pending?.abort());
    const clear = document.getElementById("answered-clear");
    if (clear) {
      clear.hidden = false;
      clear.addEventListener("click", () => {
        chosen.value = "";
        document.getElementById("answered-notice").remove();
      });
    }
    refresh();
  }

  // --- in a case's reply ---------------------------------------------------------------
  function replySearch(box) {
    const form = box.closest("form");
    const reply = form.querySelector("textarea[name=body]");
    const used = form.querySelector("input[name=answer_id]");
    const input = box.querySelector("input[type=search]");
    const list = box.querySelector("[data-answer-results]");
    const status = box.querySelector("[role=status]");
    const texts = box.dataset;
    let timer = null, pending = null;
    box.hidden = false;

    function insert(answer) {
      const before = reply.value.trimEnd();
      reply.value = before ? `${before}\n\n${answer.text}` : answer.text;
      reply.dispatchEvent(new Event("input", { bubbles: true }));  // the length counter
      used.value = answer.id;
      status.textContent = texts.textInserted.replace("{title}", answer.title);
      reply.focus();
    }

    function show(answers) {
      list.replaceChildren();
      status.textContent = texts.textFound.replace("{count}", answers.length);
      for (const answer of answers) {
        const item = element("li", "border-top py-2 d-flex justify-content-between gap-2");
        const about = element("div");
        about.append(heading(answer, texts), element("div", "small text-body-secondary", answer.excerpt));
        const button = element("button", "btn btn-sm btn-outline-primary align-self-start", texts.textInsert);
        button.type = "button";
        button.setAttribute("aria-label", `${texts.textInsert}: ${answer.title}`);
        button.addEventListener("click", () => insert(answer));
        item.append(about, button);
        list.append(item);
      }
    }

    async function search() {
      const q = input.value.trim();
      pending?.abort();
      if (q.length < 2) {
        list.replaceChildren();
        return;
      }
      pending = new AbortController();
      try {
        show(await fetchAnswers(`${texts.url}?q=${encodeURIComponent(q)}`, pending.signal));
      } catch (error) {
        if (error.name !== "AbortError") throw error;
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;  // Enter searches; it does not send the reply
      event.preventDefault();
      clearTimeout(timer);
      search();
    });
  }

  const panel = document.getElementById("answer-suggestions");
  if (panel) deskSuggestions(panel);
  document.querySelectorAll("[data-answer-search]").forEach(replySearch);
})();
