// Sorting and filtering for the KEP and SIG indexes. The tables work without it, whole.
(function () {
  "use strict";

  function cellValue(row, index, numeric) {
    const cell = row.cells[index];
    const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    return numeric ? Number(raw) : raw.toLowerCase();
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      // A real button in each header cell: the cell stays a column header for screen readers.
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.title = "Sort by " + th.textContent;
      button.append(...th.childNodes);
      th.append(button);
      function sort() {
        const numeric = th.dataset.sort === "number";
        const descending = th.getAttribute("aria-sort") === "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      button.addEventListener("click", sort);
    });
  });

  // The filter form is hidden until this script runs: without it the table is whole.
  // Words match a row's text (number, title, group, stage, status); the selects its data.
  document.querySelectorAll("form.table-filter").forEach(function (form) {
    const table = document.getElementById(form.dataset.filterFor);
    const fields = Array.from(form.querySelectorAll("select, input[type=search]"));
    const params = new URLSearchParams(window.location.search);
    fields.forEach(function (field) {
      if (params.has(field.name)) field.value = params.get(field.name);
    });
    const rows = Array.from(table.tBodies[0].rows);
    const texts = new Map(rows.map(function (row) {
      return [row, row.textContent.replace(/\s+/g, " ").toLowerCase()];
    }));
    function apply() {
      const wanted = {};
      fields.forEach(function (field) { if (field.value.trim()) wanted[field.name] = field.value.trim(); });
      const words = (wanted.words || "").toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      rows.forEach(function (row) {
        const ok = Object.keys(wanted).every(function (key) {
          return key === "words" || row.dataset[key] === wanted[key];
        }) && words.every(function (word) { return texts.get(row).includes(word); });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.querySelector("output").textContent = shown + " of " + rows.length + " shown";
      const query = new URLSearchParams(wanted).toString();
      window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
    }
    form.addEventListener("change", apply);
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  });
})();
