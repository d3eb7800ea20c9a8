// molnkoll serve: reload the page when the site has been rebuilt.
(function () {
  var seen = null;
  function poll() {
    fetch("/_molnkoll/version", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (seen !== null && v !== seen) { location.reload(); }
        seen = v;
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
