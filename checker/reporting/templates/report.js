(function () {
  "use strict";
  var form = document.getElementById("filters");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var nomatch = document.getElementById("nomatch");
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  // what the search looks in: a finding's own text, not the archived lines shown around its quotes
  var texts = findings.map(function (node) {
    var copy = node.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("details.excerpt"), function (part) { part.remove(); });
    return copy.textContent.toLowerCase();
  });
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.topic"));
  function checked(name) {
    var out = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=" + name + "]"), function (box) {
      if (box.checked) { out[box.value] = true; }
    });
    return out;
  }
  function apply() {
    var verdicts = checked("verdict");
    var severities = checked("severity");
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var visible = 0;
    findings.forEach(function (node, index) {
      var text = texts[index];
      var ok = verdicts[node.dataset.verdict] && severities[node.dataset.severity] &&
        words.every(function (word) { return text.indexOf(word) >= 0; });
      node.classList.toggle("hidden", !ok);
      if (ok) { visible += 1; }
    });
    sections.forEach(function (section) {
      var any = section.querySelector("article.finding:not(.hidden)");
      section.classList.toggle("hidden", !any);
    });
    shown.textContent = visible + " of " + findings.length + " findings shown";
    var empty = visible === 0 && findings.length > 0;
    nomatch.textContent = !empty ? "" : words.length ?
      "No finding matches \u201c" + search.value.trim() + "\u201d with the verdicts and severities chosen." :
      "No finding has the verdicts and severities chosen.";
    nomatch.classList.toggle("hidden", !empty);
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", apply);
  search.addEventListener("input", apply);
  apply();
}());
