// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  // Filter a table's rows by text.
  document.querySelectorAll("[data-filter-table]").forEach(function (input) {
    var box = document.getElementById(input.getAttribute("data-filter-table"));
    if (!box) return;
    input.addEventListener("input", function () {
      var q = input.value.toLocaleLowerCase("sv");
      box.querySelectorAll("tbody tr").forEach(function (tr) {
        tr.hidden = q !== "" && tr.textContent.toLocaleLowerCase("sv").indexOf(q) === -1;
      });
    });
  });

  // Sortable tables: each header becomes a button; Swedish collation for text.
  var collator = new Intl.Collator("sv", { numeric: true, sensitivity: "base" });
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          if (!x || !y) return 0;
          var kx = x.getAttribute("data-sort") || x.textContent.trim();
          var ky = y.getAttribute("data-sort") || y.textContent.trim();
          var r = collator.compare(kx, ky);
          return ascending ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Search: Swedish-aware (å, ä and ö are letters of their own), case-insensitive, prefix matches.
  var words = function (text) {
    return (text.toLocaleLowerCase("sv").normalize("NFC").match(/[\p{L}\p{N}]+/gu) || []);
  };
  var index = window.MOLNKOLL_SOKINDEX;
  var input = document.getElementById("sok");
  var results = document.getElementById("sok-resultat");
  var status = document.getElementById("sok-status");
  if (!index || !input || !results) return;
  var docs = index.map(function (d) { return { d: d, title: words(d.t), all: words(d.t + " " + d.x) }; });
  function search(q) {
    var terms = words(q);
    results.textContent = "";
    if (terms.length === 0) { status.textContent = "Skriv ett eller flera ord."; return; }
    var hits = [];
    docs.forEach(function (doc) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        var inTitle = doc.title.some(function (w) { return w.indexOf(t) === 0; });
        var inText = inTitle || doc.all.some(function (w) { return w.indexOf(t) === 0; });
        if (!inText) return;
        score += inTitle ? 10 : 1;
      }
      hits.push({ doc: doc.d, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || collator.compare(a.doc.t, b.doc.t); });
    hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = h.doc.u;
      a.textContent = h.doc.t;
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = " – " + h.doc.k;
      li.appendChild(a);
      li.appendChild(kind);
      results.appendChild(li);
    });
    status.textContent = hits.length === 0 ? "Inga träffar." : hits.length + (hits.length === 1 ? " träff." : " träffar.");
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); search(input.value); }
  input.addEventListener("input", function () { search(input.value); });
})();
