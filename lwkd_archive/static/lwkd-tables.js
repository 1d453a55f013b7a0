// Sorting and filtering for the KEP and SIG indexes. The tables work without it.
(function () {
  "use strict";

  function cellValue(row, index, numeric) {
    const cell = row.cells[index];
    const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    return numeric ? Number(raw) : raw.toLowerCase();
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      th.title = "Sort by " + th.textContent;
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
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
    });
  });

  document.querySelectorAll("form.table-filter").forEach(function (form) {
    const table = document.getElementById(form.dataset.filterFor);
    const selects = Array.from(form.querySelectorAll("select"));
    const params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      if (params.has(select.name)) select.value = params.get(select.name);
    });
    function apply() {
      const wanted = {};
      selects.forEach(function (select) { if (select.value) wanted[select.name] = select.value; });
      let shown = 0;
      Array.from(table.tBodies[0].rows).forEach(function (row) {
        const ok = Object.keys(wanted).every(function (key) { return row.dataset[key] === wanted[key]; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.querySelector("output").textContent = shown + " shown";
      const query = new URLSearchParams(wanted).toString();
      window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  });
})();
