// gongkai review page: click a figure for its details; click a failed check to jump to its evidence.
(function () {
  "use strict";
  var facts = JSON.parse(document.getElementById("facts-data").textContent);
  var detail = document.getElementById("detail-body");

  function row(dl, name, value) {
    if (value === null || value === undefined || value === "") return;
    var dt = document.createElement("dt"); dt.textContent = name;
    var dd = document.createElement("dd"); dd.textContent = value;
    dl.appendChild(dt); dl.appendChild(dd);
  }

  function show(id) {
    var f = facts[id];
    if (!f) return;
    document.querySelectorAll("mark.fact.selected").forEach(function (m) { m.classList.remove("selected"); });
    var mark = document.getElementById("f-" + id);
    if (mark) mark.classList.add("selected");
    var dl = document.createElement("dl");
    row(dl, "value", f.value_text); row(dl, "raw", f.raw); row(dl, "kind", f.kind); row(dl, "concept", f.concept);
    row(dl, "label", f.label); row(dl, "section", f.section); row(dl, "page", f.page);
    row(dl, "summary source", f.summary_source); row(dl, "fact id", String(id));
    row(dl, "span", f.char_start + "–" + f.char_end);
    detail.replaceChildren(dl);
  }

  function jump(ids) {
    var first = null;
    document.querySelectorAll(".flash").forEach(function (m) { m.classList.remove("flash"); });
    ids.forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) return;
      el.classList.add("flash");
      if (!first) first = el;
    });
    if (first) first.scrollIntoView({block: "center"});
    return first;
  }

  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest("mark.fact");
    if (mark) { show(mark.dataset.fact); return; }
    var check = ev.target.closest("a.check-link");
    if (check) {
      ev.preventDefault();
      var target = jump(check.dataset.targets.split(" "));
      if (target && target.dataset.fact) show(target.dataset.fact);
      return;
    }
    var box = ev.target.closest("a.box");
    if (box) {
      ev.preventDefault();
      jump(["f-" + box.dataset.fact]);
      show(box.dataset.fact);
    }
  });

  var hash = window.location.hash.match(/^#f-(\d+)$/);
  if (hash) { jump(["f-" + hash[1]]); show(hash[1]); }
})();
