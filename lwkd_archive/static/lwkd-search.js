// The archive's search page: Pagefind, with KEP and SIG queries normalised and filters in the URL.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
const aliases = JSON.parse(form.dataset.aliases || "{}");
// The bundles of issues, one per year, merged into the primary index (the KEP and SIG pages).
const bundles = JSON.parse(form.dataset.bundles || "[]");
const FILTERS = ["year", "sig", "section", "kep"];

// "KEP-3136", "KEP 3136", "kep3136", "KEP #3136" -> kep3136; "SIG Node", "sig node" -> signode.
export function normalise(query) {
  let text = query.trim().replace(/\bkep[\s#-]*(\d+)\b/gi, "kep$1");
  const words = text.split(/\s+/).filter(Boolean);
  for (let size = Math.min(4, words.length); size >= 1; size -= 1) {
    for (let start = 0; start + size <= words.length; start += 1) {
      const folded = words.slice(start, start + size).join("").toLowerCase().replace(/[^a-z0-9]/g, "");
      if (aliases[folded]) {
        words.splice(start, size, aliases[folded]);
        return words.join(" ");
      }
    }
  }
  return words.join(" ");
}


function setStatus(text) {
  status.textContent = text;
}

// Years newest first, KEPs by number, the rest by name.
const ORDER = {
  year: (a, b) => b.localeCompare(a),
  kep: (a, b) => Number(a.replace(/\D/g, "")) - Number(b.replace(/\D/g, "")),
};

function fillSelect(select, values, current) {
  const names = Object.keys(values).sort(ORDER[select.name] || ((a, b) => a.localeCompare(b)));
  for (const name of names) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = `${name} (${values[name]})`;
    select.appendChild(option);
  }
  if (current) select.value = current;
}

function render(results, data) {
  list.replaceChildren();
  for (const item of data) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.className = "result-title";
    link.href = item.url;
    link.textContent = item.meta.title || item.url;
    const meta = document.createElement("div");
    meta.className = "result-meta";
    meta.textContent = item.meta.date ? `published ${item.meta.date}` : "";
    li.append(link, meta);
    if (item.meta.summary) {
      const summary = document.createElement("p");
      summary.textContent = item.meta.summary;
      li.appendChild(summary);
    }
    // Where in the issue the words are: up to two sections, with Pagefind's excerpt.
    const sections = (item.sub_results || []).filter((s) => s.url.includes("#")).slice(0, 2);
    for (const section of sections) {
      const where = document.createElement("p");
      where.className = "result-section";
      const anchor = document.createElement("a");
      anchor.href = section.url;
      anchor.textContent = section.title;
      const excerpt = document.createElement("span");
      excerpt.innerHTML = `: ${section.excerpt}`; // Pagefind's excerpt: page text with <mark> only.
      where.append(anchor, excerpt);
      li.appendChild(where);
    }
    list.appendChild(li);
  }
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  form.q.value = params.get("q") || "";
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    await pagefind.options({ baseUrl: root.pathname });
    // Pagefind merges filters (counts summed) and results (by score) across the indexes.
    await Promise.all(
      bundles.map((bundle) => pagefind.mergeIndex(new URL(bundle, root).href, { baseUrl: root.pathname }))
    );
  } catch (error) {
    setStatus(
      window.location.protocol === "file:"
        ? "Search needs the site served over HTTP: run `python -m http.server -d _build/html` and open http://localhost:8000/search.html"
        : "The search index could not be loaded."
    );
    return;
  }
  const available = await pagefind.filters();
  for (const name of FILTERS) {
    fillSelect(form[name], available[name] || {}, params.get(name));
  }
  form.addEventListener("change", () => form.requestSubmit());
  const query = form.q.value;
  const filters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  if (!query && !Object.keys(filters).length) {
    setStatus("Type words, a KEP number or a SIG.");
    return;
  }
  const search = await pagefind.search(query ? normalise(query) : null, { filters });
  const data = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
  setStatus(`${search.results.length} result${search.results.length === 1 ? "" : "s"}`);
  render(search.results, data);
}

main();
