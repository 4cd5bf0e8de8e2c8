// The intake form: subcategories follow the category, anonymous hides identity,
// returning citizens are suggested while typing (a listbox reached by the arrow keys,
// never by Tab), Enter saves from any field but the text box (Ctrl+Enter there), one
// submit only, and after a refused save the focus is on the first field in error.
(() => {
  const form = document.getElementById("intake-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const category = $("category"), subcategory = $("subcategory");
  const anonymous = $("anonymous"), identity = $("identity"), consentBlock = $("consent-block");
  const citizenId = $("citizen_id"), linked = $("linked-citizen");
  const suggestions = $("citizen-suggest"), matches = $("citizen-matches");
  const announce = $("citizen-matches-status");
  const typedIn = [$("name"), $("phone")];

  function filterSubcategories() {
    for (const option of subcategory.options) {
      if (!option.value) continue;
      const visible = option.dataset.category === category.value;
      option.hidden = !visible;
      option.disabled = !visible;
      if (!visible && option.selected) subcategory.value = "";
    }
  }
  category.addEventListener("change", filterSubcategories);
  filterSubcategories();

  function toggleAnonymous() {
    identity.hidden = anonymous.checked;
    consentBlock.hidden = anonymous.checked;
    if (anonymous.checked) unlink();
  }
  anonymous.addEventListener("change", toggleAnonymous);

  function showLinked(citizen) {
    linked.textContent = `${form.dataset.textLinked} ${citizen.name} ${citizen.phone} `;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary ms-2";
    button.textContent = form.dataset.textUnlink;
    button.addEventListener("click", unlink);
    linked.append(button);
    linked.classList.remove("d-none");
  }
  function unlink() {
    citizenId.value = "";
    linked.classList.add("d-none");
    linked.textContent = "";
  }
  function link(citizen) {
    citizenId.value = citizen.id;
    if (citizen.name) $("name").value = citizen.name;
    if (citizen.phone) $("phone").value = citizen.phone;
    closeList();
    showLinked(citizen);
    $("gender").focus();
  }

  // The suggestions: a combobox (the name or phone field) owning a listbox.
  let options = [], active = -1, owner = null;
  for (const input of typedIn) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "citizen-matches");
    input.setAttribute("aria-expanded", "false");
  }
  function closeList() {
    matches.replaceChildren();
    suggestions.hidden = true;
    options = [];
    active = -1;
    for (const input of typedIn) {
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
  }
  function highlight(index) {
    active = index;
    options.forEach(({ element }, i) => {
      element.setAttribute("aria-selected", String(i === index));
      element.classList.toggle("active", i === index);
    });
    if (owner && index >= 0) {
      owner.setAttribute("aria-activedescendant", options[index].element.id);
      options[index].element.scrollIntoView({ block: "nearest" });
    }
  }
  function showList(citizens, input) {
    closeList();
    if (!citizens.length || citizenId.value) {
      announce.textContent = "";
      return;
    }
    owner = input;
    citizens.forEach((citizen, i) => {
      const item = document.createElement("div");
      item.id = `citizen-match-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.className = "list-group-item list-group-item-action citizen-match";
      item.textContent = [citizen.name, citizen.phone, citizen.settlement].filter(Boolean).join(" · ");
      item.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus
      item.addEventListener("click", () => link(citizen));
      matches.append(item);
      options.push({ element: item, citizen });
    });
    suggestions.hidden = false;
    input.setAttribute("aria-expanded", "true");
    announce.textContent = form.dataset.textFound.replace("{count}", citizens.length);
  }

  let timer = null, lastQuery = "", pending = null;
  async function suggest(query, input) {
    if (query.length < 2 || query === lastQuery) return;
    lastQuery = query;
    pending?.abort();
    pending = new AbortController();
    const url = `${form.dataset.citizensUrl}?q=${encodeURIComponent(query)}`;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" }, signal: pending.signal,
      });
      if (!response.ok) return;
      showList((await response.json()).citizens, input);
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    }
  }
  for (const input of typedIn) {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => suggest(input.value.trim(), input), 200);
    });
    input.addEventListener("keydown", (event) => {
      if (!options.length || event.ctrlKey || event.metaKey) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = event.key === "ArrowDown" ? active + 1 : (active < 0 ? options.length : active) - 1;
        highlight((next + options.length) % options.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        link(options[active].citizen);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeList();
      }
    });
    input.addEventListener("blur", () => setTimeout(() => {
      if (!typedIn.includes(document.activeElement)) closeList();
    }, 150));
  }

  // Enter saves the form from a select or a check box too, not only from a text field.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const choice = target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && (target.type === "checkbox" || target.type === "radio"));
    if (choice) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("description").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  let submitted = false;
  form.addEventListener("submit", (event) => {
    if (submitted) event.preventDefault();
    submitted = true;
    clearTimeout(timer);
    pending?.abort();  // a suggestion answering after the save is of no use
    $("submit-intake").disabled = true;
  });
  // Back to this page from the browser's cache: it may be sent again (its one-time token
  // then finds the case it made, see forms.js).
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    submitted = false;
    $("submit-intake").disabled = false;
  });

  toggleAnonymous();
  // After a refused save: the first field in error, in the order of the form.
  const invalid = form.querySelector("input.is-invalid, select.is-invalid, textarea.is-invalid");
  if (invalid) {
    invalid.focus();
    invalid.scrollIntoView({ block: "center" });
  }
})();
