/* Suggestions as you type in the search box (progressive enhancement: the form works
   without this script). ARIA 1.2 combobox with a listbox popup; keyboard: ↑ ↓ to move,
   Enter to open, Escape to close. Labels come from data-* attributes the template fills
   in the reader's language. */
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) { return; }
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var timer = null;
  var active = -1;
  var items = [];
  var lastQuery = "";
  var controller = null;
  var kinds = {
    names: input.dataset.labelNames,
    organizations: input.dataset.labelOrganizations,
    fields: input.dataset.labelFields
  };

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function highlight(index) {
    items.forEach(function (item, i) {
      item.element.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].element.id);
      items[index].element.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(data) {
    list.innerHTML = "";
    items = [];
    ["names", "fields", "organizations"].forEach(function (kind) {
      (data[kind] || []).forEach(function (entry) {
        var option = document.createElement("li");
        option.id = "suggestion-" + items.length;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var text = document.createElement("span");
        text.textContent = entry.name;          // textContent: names are data, never markup
        var label = document.createElement("span");
        label.className = "suggestion-kind";
        label.textContent = kinds[kind];
        option.appendChild(text);
        option.appendChild(label);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();              // keep focus in the input
          window.location.href = entry.url;
        });
        list.appendChild(option);
        items.push({ element: option, url: entry.url });
      });
    });
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (!query) { close(); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query),
          { headers: { "Accept": "application/json" }, signal: controller.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && input.value.trim() === query) { render(data); } })
      .catch(function () { /* offline or aborted: the plain search still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 120);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden || !items.length) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].url;
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
}());
