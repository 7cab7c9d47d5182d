// Sortable, paginated tables and live heads. Everything inserted into the page is text, never markup.
"use strict";

function sortValue(cell) {
  const key = cell.getAttribute("data-sort");
  if (key !== null && key !== "" && !Number.isNaN(Number(key))) return Number(key);
  return cell.textContent.trim().toLowerCase();
}

// Long tables show ROWS rows at a time, with buttons for the rest; sorting sorts every row and
// goes back to the first page.
const ROWS = 50;

function paginate(table) {
  const body = table.tBodies[0];
  if (!body || body.rows.length <= ROWS) return () => {};
  const nav = document.createElement("nav");
  nav.className = "pager";
  nav.setAttribute("aria-label", "rows of " + (table.id || "table"));
  const previous = document.createElement("button");
  previous.textContent = "← previous";
  const label = document.createElement("span");
  const next = document.createElement("button");
  next.textContent = "next →";
  nav.append(previous, label, next);
  table.closest(".scroll").after(nav);
  let page = 0;
  const show = () => {
    const rows = Array.from(body.rows);
    const pages = Math.ceil(rows.length / ROWS);
    page = Math.max(0, Math.min(page, pages - 1));
    rows.forEach((row, i) => { row.hidden = Math.floor(i / ROWS) !== page; });
    const first = page * ROWS + 1;
    const last = Math.min(rows.length, first + ROWS - 1);
    label.textContent = "rows " + first.toLocaleString("en-US") + "–" + last.toLocaleString("en-US") +
      " of " + rows.length.toLocaleString("en-US");
    previous.disabled = page === 0;
    next.disabled = page === pages - 1;
  };
  previous.addEventListener("click", () => { page -= 1; show(); });
  next.addEventListener("click", () => { page += 1; show(); });
  show();
  return () => { page = 0; show(); };
}

document.querySelectorAll("table").forEach((table) => {
  const firstPage = paginate(table);
  if (!table.classList.contains("sortable")) return;
  table.querySelectorAll("th").forEach((th, column) => {
    th.tabIndex = 0;
    const sort = () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows).filter((row) => row.cells.length > column);
      rows.sort((a, b) => {
        const x = sortValue(a.cells[column]);
        const y = sortValue(b.cells[column]);
        const order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
      firstPage();
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
  });
});

if (window.EventSource) {
  const live = document.getElementById("live-head");
  let source = null;
  const follow = () => {
    source = new EventSource("/events");
    source.addEventListener("head", (message) => {
      const head = JSON.parse(message.data);
      if (live) live.textContent = "finalized block " + head.number.toLocaleString("en-US");
      const finalized = document.getElementById("finalized");
      if (finalized) {
        const link = document.createElement("a");
        link.href = "/block/" + head.number;
        link.textContent = head.number.toLocaleString("en-US");
        finalized.replaceChildren(link);
      }
    });
    source.onerror = () => { if (live) live.textContent = "reconnecting…"; };
  };
  follow();
  // A page kept in the back/forward cache keeps its stream open, and a browser opens only six
  // connections to one host: after six pages the next one would never load. So the stream
  // closes when the page is left and opens again when it is shown from that cache.
  window.addEventListener("pagehide", () => source.close());
  window.addEventListener("pageshow", (event) => { if (event.persisted) follow(); });
}
