// Sortable tables and live heads. Everything inserted into the page is text, never markup.
"use strict";

function sortValue(cell) {
  const key = cell.getAttribute("data-sort");
  if (key !== null && key !== "" && !Number.isNaN(Number(key))) return Number(key);
  return cell.textContent.trim().toLowerCase();
}

document.querySelectorAll("table.sortable").forEach((table) => {
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
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
  });
});

if (window.EventSource) {
  const live = document.getElementById("live-head");
  const source = new EventSource("/events");
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
}
