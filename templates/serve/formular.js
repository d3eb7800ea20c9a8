// Live checking in `molnkoll serve`'s edit form: after a change, the form is sent to the
// check endpoint (same token, same origin) and each field's findings are shown beside it.
// The form works without this script; saving runs the same check again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-validera]");
  if (!form || !window.fetch) return;
  var live = document.createElement("p");
  live.setAttribute("role", "status");
  live.id = "live-kontroll";
  form.parentNode.insertBefore(live, form);
  var timer = null;
  function clear() {
    form.querySelectorAll("ul.live").forEach(function (ul) {
      var field = document.getElementById(ul.id.replace(/-live$/, ""));
      if (field) {
        var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== ul.id; });
        if (ids.length) field.setAttribute("aria-describedby", ids.join(" ")); else field.removeAttribute("aria-describedby");
        field.removeAttribute("aria-invalid");
      }
      ul.remove();
    });
  }
  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-validera"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (list) {
        if (!list) return;
        clear();
        var errors = 0;
        list.forEach(function (d) {
          if (d.fel) errors++;
          var field = form.querySelector('[data-falt="' + CSS.escape(d.falt) + '"], [name="' + CSS.escape(d.falt) + '"]');
          if (!field) return;
          var id = field.id + "-live";
          var ul = document.getElementById(id);
          if (!ul) {
            ul = document.createElement("ul");
            ul.id = id;
            ul.className = "fynd live";
            field.parentNode.appendChild(ul);
            var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
            ids.push(id);
            field.setAttribute("aria-describedby", ids.join(" "));
          }
          if (d.fel) field.setAttribute("aria-invalid", "true");
          var li = document.createElement("li");
          li.className = d.fel ? "fel" : "varning";
          li.textContent = (d.fel ? "Fel: " : "Varning: ") + d.text + " " + d.kod + " " + d.plats;
          ul.appendChild(li);
        });
        live.textContent = errors ? errors + " fel; inget sparas förrän de är rättade." : "Inga fel.";
      })
      .catch(function () {});
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
