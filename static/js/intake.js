// The intake form: subcategories follow the category, anonymous hides identity,
// returning citizens are suggested while typing, Ctrl+Enter submits, one submit only.
(() => {
  const form = document.getElementById("intake-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const category = $("category"), subcategory = $("subcategory");
  const anonymous = $("anonymous"), identity = $("identity"), consentBlock = $("consent-block");
  const citizenId = $("citizen_id"), matches = $("citizen-matches"), linked = $("linked-citizen");

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
  toggleAnonymous();

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
    matches.replaceChildren();
    showLinked(citizen);
    $("gender").focus();
  }

  let timer = null, lastQuery = "";
  async function suggest(query) {
    if (query.length < 2 || query === lastQuery) return;
    lastQuery = query;
    const url = `${form.dataset.citizensUrl}?q=${encodeURIComponent(query)}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { citizens } = await response.json();
    matches.replaceChildren();
    if (!citizens.length || citizenId.value) return;
    const heading = document.createElement("div");
    heading.className = "list-group-item small text-muted";
    heading.textContent = form.dataset.textMatches;
    matches.append(heading);
    for (const citizen of citizens) {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action citizen-match";
      item.textContent = [citizen.name, citizen.phone, citizen.settlement].filter(Boolean).join(" · ");
      item.addEventListener("click", () => link(citizen));
      matches.append(item);
    }
  }
  for (const input of [$("name"), $("phone")]) {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => suggest(input.value.trim()), 200);
    });
  }

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
    $("submit-intake").disabled = true;
  });
  // Back to this page from the browser's cache: it may be sent again (its one-time token
  // then finds the case it made, see forms.js).
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    submitted = false;
    $("submit-intake").disabled = false;
  });
})();
