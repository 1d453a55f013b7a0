// The archive's search page: Pagefind, with KEP and SIG queries normalised, results that show
// where the words are, facets counted for the current search, and the whole search in the URL.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const advice = document.getElementById("search-advice");
const root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
const aliases = JSON.parse(form.dataset.aliases || "{}");
// The bundles of issues (the newest year's, the years before), merged into the primary index
// (the KEP, SIG and release pages).
const bundles = JSON.parse(form.dataset.bundles || "[]");
// Pagefind's options for every bundle: how much a match in each metadata field ranks.
const pagefindOptions = JSON.parse(form.dataset.options || "{}");
const FILTERS = ["year", "sig", "section", "kep"];
// Results shown at once, and at each "Show more": each costs its fragment (about 2.3 KB of a
// first search's bytes), and eight fill more than a screen.
const PAGE = 8;
// Typing waits this long (ms) for the next key before searching.
const DEBOUNCE = 200;

// "KEP-3136", "KEP 3136", "kep3136", "KEP #3136" -> kep3136; "SIG Node", "sig node" -> signode.
export function normalise(query) {
  // A number (a KEP's, a pull request's) or a release, alone, is meant exactly: unquoted,
  // Pagefind also finds the words it begins ("113542" would find 1.13, "1.13" every 113xxx),
  // and a bundle without the number answers with a shorter word ("3136" finds "31").
  const exact = query.trim().match(/^#?(\d+)$|^(\d+\.\d+)$/);
  if (exact) return `"${exact[1] || exact[2]}"`;
  let text = query.trim().replace(/\bkep[\s#-]*(\d+)\b/gi, "kep$1");
  // A KEP alone ("KEP-3136", "KEP 3136") too: unquoted, a bundle of issues that never names
  // it answers with every page that has a word it begins ("kep"), Pagefind's fallback.
  const kep = text.match(/^kep(\d+)$/i);
  if (kep) return `"kep${kep[1]}"`;
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

// Pagefind's excerpt is page text, escaped, with <mark> around the words found. It is parsed in
// an inert document and rebuilt from its text and its <mark>s only: nothing else becomes markup.
export function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html");
  const out = document.createDocumentFragment();
  for (const node of parsed.body.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.localName === "mark") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.appendChild(mark);
    } else {
      out.appendChild(document.createTextNode(node.textContent));
    }
  }
  return out;
}

// A word Pagefind marked that answers the query: three letters or more, or a whole query word
// (its fuzzy matches of one letter, "Q." for "qzxwvj", do not).
function answers(html, words) {
  for (const [, text] of (html || "").matchAll(/<mark>(.*?)<\/mark>/gi)) {
    const folded = text.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (folded.length >= 3 || words.includes(folded)) return true;
  }
  return false;
}

// Loaded once, when the reader first comes to the box (or arrives with a search): the page
// itself costs nothing until then.
let loading = null;
function loadPagefind() {
  loading ||= (async () => {
    const pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    // Pagefind searches in its worker (12 KB more): on the page's thread, Lighthouse measured
    // the largest paint of search.html?q=sig-node at 3.2 s instead of 2.0 s.
    const each = { ...pagefindOptions, baseUrl: root.pathname };
    await pagefind.options(each);
    // Pagefind merges filters (counts summed) and results (by score) across the indexes.
    await Promise.all(bundles.map((bundle) => pagefind.mergeIndex(new URL(bundle, root).href, each)));
    return pagefind;
  })();
  return loading;
}

// The search the form holds: words, filters, sort (only what the reader set).
function current() {
  const state = { q: form.q.value.trim(), filters: {}, sort: form.sort.dataset.chosen || "" };
  for (const name of FILTERS) {
    if (form[name].value) state.filters[name] = form[name].value;
  }
  return state;
}

// A search by words is by relevance; a search by filters only, newest first.
// The site's one date format, "9 February 2022", from the index's ISO date.
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const humanDate = (iso) => {
  const [year, month, day] = iso.split("-").map(Number);
  return month >= 1 && month <= 12 && day ? `${day} ${MONTHS[month - 1]} ${year}` : iso;
};

const sortOf = (state) => state.sort || (state.q ? "relevance" : "date");

function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const name of FILTERS) if (state.filters[name]) params.set(name, state.filters[name]);
  if (state.sort && state.sort !== (state.q ? "relevance" : "date")) params.set("sort", state.sort);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ""}`;
}

function fromUrl() {
  const params = new URLSearchParams(window.location.search);
  form.q.value = params.get("q") || "";
  for (const name of FILTERS) {
    const value = params.get(name) || "";
    ensureOption(form[name], value);
    form[name].value = value;
  }
  const sort = params.get("sort");
  form.sort.dataset.chosen = sort === "date" || sort === "relevance" ? sort : "";
}

// An option for a value from the URL before the facets are loaded, so the select shows it.
function ensureOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }
}

// Years newest first, KEPs by number, the rest by name.
const ORDER = {
  year: (a, b) => b.localeCompare(a),
  kep: (a, b) => Number(a.replace(/\D/g, "")) - Number(b.replace(/\D/g, "")),
};

// Every value the archive has, with its count for this search; a value that would find
// nothing is hidden (and disabled), unless it is the one chosen.
function fillSelect(select, every, counts) {
  const chosen = select.value;
  const names = Object.keys(every).sort(ORDER[select.name] || ((a, b) => a.localeCompare(b)));
  const options = [select.options[0]];
  for (const name of names) {
    const count = counts[name] || 0;
    const option = document.createElement("option");
    option.value = name;
    option.textContent = `${name} (${count})`;
    option.hidden = option.disabled = count === 0 && name !== chosen;
    options.push(option);
  }
  select.replaceChildren(...options);
  select.value = chosen;
}

// The KEP and SIG pages carry no year, section or date, and name themselves with a "topic"
// filter: a search for a chosen KEP or SIG puts that KEP's or SIG's own page first, and a
// search newest first puts the topic pages that match first (Pagefind leaves them unsorted).
async function find(pagefind, state) {
  const term = state.q ? normalise(state.q) : null;
  const byDate = sortOf(state) === "date";
  const chosen = [state.filters.kep, state.filters.sig].filter(Boolean);
  const sort = byDate ? { sort: { date: "desc" } } : {};
  let topics = null;
  if (chosen.length) {
    topics = pagefind.search(term, { filters: { topic: { any: chosen } } });
  } else if (/^v?\d+\.\d+$/.test(state.q.trim())) {
    // "1.33" or "v1.33": the release's own page first, then what mentions it.
    topics = pagefind.search(term, { filters: { page: { any: ["Release"] } } });
  } else if (/^"(kep)?\d{1,4}"$/.test(term) && !Object.keys(state.filters).length) {
    // "KEP-3136" or "3136": found exactly, every page scores alike; the KEP's own page first
    // (not with a filter, which only issues carry).
    topics = pagefind.search(term, { filters: { page: { any: ["KEP"] } } });
  } else if (byDate && !Object.keys(state.filters).length) {
    topics = pagefind.search(term, { filters: { page: { any: ["KEP", "SIG"] } } });
  }
  const [found, top] = await Promise.all([
    byDate && !state.filters.year
      ? newestFirst(pagefind, term, state.filters)
      : pagefind.search(term, { filters: state.filters, ...sort }),
    topics,
  ]);
  if (!top) return found;
  const first = new Set(top.results.map((r) => r.id));
  return { ...found, results: [...top.results, ...found.results.filter((r) => !first.has(r.id))] };
}

// Newest first across the year bundles: Pagefind sorts within each bundle and merges them
// by score, so the years are searched one by one, newest first, and joined.
async function newestFirst(pagefind, term, filters) {
  const years = Object.keys((await pagefind.filters()).year || {}).sort().reverse();
  const each = await Promise.all(
    years.map((year) =>
      pagefind.search(term, { filters: { ...filters, year }, sort: { date: "desc" } }),
    ),
  );
  const results = each.flatMap((found) => found.results);
  const unfiltered = each.reduce((n, found) => n + (found.unfilteredResultCount || 0), 0);
  // Each year's counts are of its own results: the joined search's are their sums.
  const counts = {};
  for (const found of each) {
    for (const [name, values] of Object.entries(found.filters || {})) {
      counts[name] = counts[name] || {};
      for (const [value, n] of Object.entries(values)) {
        counts[name][value] = (counts[name][value] || 0) + n;
      }
    }
  }
  return { results, unfilteredResultCount: unfiltered, filters: counts };
}

// Counts of each facet for this search: the values of a facet the reader chose are counted
// without that choice (what choosing another would find), the others with every choice.
async function facetCounts(pagefind, state, search, every) {
  const counts = { ...search.filters };
  await Promise.all(
    Object.keys(state.filters).map(async (name) => {
      const others = { ...state.filters };
      delete others[name];
      if (!state.q && !Object.keys(others).length) {
        counts[name] = every[name] || {};
        return;
      }
      const wider = await pagefind.search(state.q ? normalise(state.q) : null, { filters: others });
      counts[name] = wider.filters[name] || {};
    })
  );
  return counts;
}

export function resultItem(item) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.className = "result-title";
  link.href = item.url;
  link.textContent = item.meta.title || item.url;
  li.appendChild(link);
  if (!item.meta.date) {
    // A KEP or SIG page: its facts (stage, owner, issues) in a line.
    if (item.meta.summary) {
      const facts = document.createElement("p");
      facts.className = "result-facts";
      facts.textContent = item.meta.summary;
      li.appendChild(facts);
    }
  } else {
    const meta = document.createElement("div");
    meta.className = "result-meta";
    meta.textContent = `published ${humanDate(item.meta.date)}`;
    li.appendChild(meta);
  }
  // Where the words are: each matching section of the page, linked to its heading.
  // A page's KEP, group and pull request names are metadata fields: in no excerpt.
  const sections = (item.sub_results || []).filter((s) => s.excerpt);
  if (sections.length > 1 || (sections.length === 1 && sections[0].title !== item.meta.title)) {
    const where = document.createElement("ul");
    where.className = "result-sections";
    for (const section of sections.slice(0, 3)) {
      const entry = document.createElement("li");
      if (section.title && section.title !== item.meta.title) {
        const anchor = document.createElement("a");
        anchor.href = section.url || item.url;
        anchor.textContent = section.title;
        entry.append(anchor, ": ");
      }
      entry.appendChild(excerptNodes(section.excerpt));
      where.appendChild(entry);
    }
    if (sections.length > 3) {
      const rest = document.createElement("li");
      rest.className = "result-more-sections";
      rest.textContent = `and ${sections.length - 3} more section${sections.length === 4 ? "" : "s"}`;
      where.appendChild(rest);
    }
    li.appendChild(where);
  } else if (
    item.excerpt &&
    (item.meta.date || /<mark>/i.test(item.excerpt))
  ) {
    const excerpt = document.createElement("p");
    excerpt.className = "result-excerpt";
    excerpt.appendChild(excerptNodes(item.excerpt));
    li.appendChild(excerpt);
  }
  return li;
}

// The search shown: its results, how many are shown.
let shown = { results: [], count: 0 };
let generation = 0;

async function showMore() {
  const mine = generation;
  const next = shown.results.slice(shown.count, shown.count + PAGE);
  const data = await Promise.all(next.map((r) => r.data()));
  if (mine !== generation) return;
  const items = data.map(resultItem);
  list.append(...items);
  shown.count += next.length;
  const left = shown.results.length - shown.count;
  more.hidden = left <= 0;
  more.textContent = `Show ${Math.min(PAGE, left)} more (${left} left)`;
  return data;
}

// Names of KEPs and groups near a query that found nothing: the topic pages its first letters find.
async function suggestions(pagefind, query) {
  const word = query.split(/\s+/).pop() || "";
  for (let size = Math.min(word.length - 1, 6); size >= 3; size -= 1) {
    const search = await pagefind.search(word.slice(0, size), {
      filters: { page: { any: ["KEP", "SIG"] } },
    });
    if (search.results.length) {
      return await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
    }
  }
  return [];
}

function showAdvice(query, near) {
  advice.replaceChildren();
  if (query === null) {
    advice.hidden = true;
    return;
  }
  const line = document.createElement("p");
  line.textContent = `No issue mentions “${query}”.`;
  advice.appendChild(line);
  if (near.length) {
    const label = document.createElement("p");
    label.textContent = "Did you mean:";
    const names = document.createElement("ul");
    for (const item of near) {
      const entry = document.createElement("li");
      const link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.meta.title || item.url;
      entry.appendChild(link);
      names.appendChild(entry);
    }
    advice.append(label, names);
  }
  advice.hidden = false;
}

// Run the search the form holds and show it. The status is empty until the results are shown.
async function run() {
  const mine = ++generation;
  const state = current();
  status.textContent = "";
  list.setAttribute("aria-busy", "true");
  form.sort.value = sortOf(state);
  let pagefind;
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    status.textContent =
      window.location.protocol === "file:"
        ? "Search needs the site served over HTTP: run `python -m http.server -d _build/html` and open http://localhost:8000/search.html"
        : "The search index could not be loaded.";
    return;
  }
  if (!state.q && !Object.keys(state.filters).length) {
    await showFacets(pagefind, state, null, mine);
    if (mine !== generation) return;
    list.replaceChildren();
    list.removeAttribute("aria-busy");
    more.hidden = true;
    showAdvice(null, []);
    status.textContent = "Type words, a KEP number or a SIG.";
    return;
  }
  // Made before the filters were loaded, a search has no counts of them.
  const counted = facetsLoaded;
  const search = await find(pagefind, state);
  if (mine !== generation) return;
  shown = { results: search.results, count: 0 };
  list.replaceChildren();
  const first = (await showMore()) || [];
  if (mine !== generation) return;
  await showFacets(pagefind, state, counted ? search : null, mine);
  if (mine !== generation) return;
  list.removeAttribute("aria-busy");
  const total = search.results.length;
  // Words that match nothing closely: Pagefind's results carry no <mark>.
  const words = normalise(state.q).toLowerCase().split(/\s+/);
  const found = (d) =>
    answers(d.excerpt, words) || (d.sub_results || []).some((s) => answers(s.excerpt, words));
  const nonsense = state.q && !first.some(found);
  if (nonsense) {
    const near = await suggestions(pagefind, normalise(state.q));
    if (mine !== generation) return;
    list.replaceChildren();
    more.hidden = true;
    showAdvice(state.q, near);
    status.textContent = "0 issues and pages";
    return;
  }
  showAdvice(null, []);
  status.textContent = `${total} ${total === 1 ? "issue or page" : "issues and pages"}`;
}

// The filters' values and their counts for the search shown. Pagefind's filter files (10 KB
// of the corpus's first search) load when a search sets a filter or when the reader comes to
// a filter, not with every first search (a search newest first loads them for its years).
let facetsWanted = false;
let facetsLoaded = false;
async function showFacets(pagefind, state, search, mine) {
  if (!facetsWanted && !Object.keys(state.filters).length) return;
  facetsWanted = true;
  const every = await pagefind.filters();
  facetsLoaded = true;
  let counts = every;
  if (state.q || Object.keys(state.filters).length) {
    // A search made before the filters were loaded (none given) is made again: its words'
    // chunks are loaded, it takes milliseconds.
    counts = await facetCounts(pagefind, state, search || (await find(pagefind, state)), every);
  }
  if (mine !== generation) return;
  for (const name of FILTERS) fillSelect(form[name], every[name] || {}, counts[name] || {});
  form.dataset.facets = "shown";
}

// The reader comes to a filter: its values and counts for the search shown.
async function wantFacets() {
  if (facetsWanted) return;
  facetsWanted = true;
  try {
    await showFacets(await loadPagefind(), current(), null, generation);
  } catch {
    // No index (the page opened from disk): the search says so when it runs.
    facetsWanted = false;
  }
}
const isFacet = (target) => target?.localName === "select" && target !== form.sort;
form.addEventListener("pointerover", (event) => isFacet(event.target) && wantFacets());
form.addEventListener("focusin", (event) => isFacet(event.target) && wantFacets());
// A click (or tap) on a filter before its values are loaded opens it once they are.
form.addEventListener("mousedown", async (event) => {
  if (!isFacet(event.target) || form.dataset.facets) return;
  event.preventDefault();
  event.target.focus();
  await wantFacets();
  try {
    event.target.showPicker();
  } catch {
    // A browser without showPicker for a select: the next click opens it.
  }
});

// Typing replaces the address (no history entry per key); a filter, an order or Enter adds one.
function record(push) {
  const url = urlOf(current());
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

let typing = null;
form.q.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    record(false);
    run();
  }, DEBOUNCE);
});
form.addEventListener("change", (event) => {
  if (event.target === form.q) return;
  if (event.target === form.sort) form.sort.dataset.chosen = form.sort.value;
  record(true);
  run();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  record(true);
  run();
});
// The reader who asked for more goes on from the first of them (the button may be gone).
more.addEventListener("click", async () => {
  const from = shown.count;
  await showMore();
  list.children[from]?.querySelector("a")?.focus();
});
window.addEventListener("popstate", () => {
  clearTimeout(typing);
  fromUrl();
  run();
});
// The index loads when the reader comes to the search, not with the page.
form.addEventListener("focusin", () => generation || run(), { once: true });

fromUrl();
if (window.location.search) {
  run();
} else {
  status.textContent = "Type words, a KEP number or a SIG.";
}
