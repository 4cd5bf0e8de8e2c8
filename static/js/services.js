// The service picker (templates/_form.html, service_picker): a search box above the list
// of the office's services. Each option carries its name in both scripts (data-search,
// lower case), so what is typed is only lower-cased: "скица" and "skitsa" both match.
// Typed words search every service; with nothing typed, a chosen category shows its own
// services and those with none. The chosen service always stays visible.
(() => {
  function servicePicker(box) {
    const select = box.querySelector("select");
    const search = box.querySelector("input[type=search]");
    const category = box.dataset.categoryFrom ? document.getElementById(box.dataset.categoryFrom) : null;

    function typedWords() {
      return search.value.toLowerCase().split(/\s+/).filter(Boolean);
    }

    function matches(option, words) {
      const text = option.dataset.search || "";
      return words.every((word) => text.includes(word));
    }

    function filter() {
      const words = typedWords();
      const chosen = category ? category.value : box.dataset.category;
      for (const option of select.options) {
        if (!option.value) continue;
        const inCategory = !chosen || !option.dataset.category || option.dataset.category === chosen;
        const found = words.length ? matches(option, words) : inCategory;
        const visible = found || option.selected;
        option.hidden = !visible;
        option.disabled = !visible;
      }
    }

    search.closest("[data-service-search-box]").hidden = false;
    search.addEventListener("input", filter);
    search.addEventListener("keydown", (event) => {
      // Enter takes the first service found (it does not send the form), arrow down
      // goes to the list; from there Tab goes on to the problems.
      if (event.key !== "Enter" && event.key !== "ArrowDown") return;
      event.preventDefault();
      // The first service the words find: the one already chosen stays visible in the
      // list, but it is not what was searched for unless the words find it too.
      const words = typedWords();
      const shown = [...select.options].filter((option) => option.value && !option.hidden);
      const first = shown.find((option) => matches(option, words)) || shown[0];
      if (event.key === "Enter" && first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      select.focus();
    });
    select.addEventListener("change", filter);
    category?.addEventListener("change", filter);
    filter();
  }

  document.querySelectorAll("[data-service-picker]").forEach(servicePicker);
})();
