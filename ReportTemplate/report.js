// The edca-agent report's script: draws the page from the JSON block #edca-data (format 1, written by
// `edca-agent report`). No network, no libraries; works from a file:// URL.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("edca-data").textContent);
  if (data.format !== 1) {
    document.querySelector("main").textContent = "This report's data has format " + data.format + "; this page reads format 1.";
    return;
  }
  var STATUS = { P: "Pass", F: "Fail", U: "Unknown", S: "Skipped", E: "Error", "-": "no verdict" };
  var LETTER = { Pass: "P", Fail: "F", Unknown: "U", Skipped: "S", Error: "E" };
  var controls = data.controls;
  var hosts = data.hosts;
  var byControl = {};
  controls.forEach(function (control, index) { control.index = index; byControl[control.id] = control; });
  hosts.forEach(function (host, index) { host.index = index; });

  // ---- helpers ----
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function $(id) { return document.getElementById(id); }
  function percent(passed, counted) { return counted > 0 ? (100 * passed) / counted : null; }
  function grade(value) { return value === null ? "" : value >= 80 ? "good" : value >= 50 ? "fair" : "poor"; }
  function formatPercent(value) { return value === null ? "n/a" : Math.round(value) + "%"; }
  function when(ms) { return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"); }
  function plural(count, noun) { return count + " " + noun + (count === 1 ? "" : "s"); }

  // ---- theme ----
  function setTheme(theme) {
    document.documentElement.setAttribute("data-theme", theme);
    var button = $("theme-toggle");
    button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
    button.textContent = theme === "dark" ? "Light mode" : "Dark mode";
  }
  var params = new URLSearchParams(location.hash.replace(/^#/, ""));
  var savedTheme = null;
  try { savedTheme = localStorage.getItem("edca-theme"); } catch (e) { savedTheme = null; }
  setTheme(params.get("theme") || savedTheme ||
    (window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
  $("theme-toggle").addEventListener("click", function () {
    var next = document.documentElement.getAttribute("data-theme") === "dark" ? "light" : "dark";
    setTheme(next);
    try { localStorage.setItem("edca-theme", next); } catch (e) { /* a file:// page may have no storage */ }
  });
  $("print-button").addEventListener("click", function () { window.print(); });

  // ---- header ----
  var run = data.run;
  var runText = "Run " + run.id + " \u00b7 " + when(run.start) + " \u00b7 " + plural(hosts.length, "server") + " with verdicts";
  if (run.complete) runText += " of " + run.hosts + " in the inventory";
  else runText += " \u00b7 the run had not finished writing";
  $("run-line").textContent = runText;
  $("footer").textContent = "Generated " + when(data.generated) + " by " + data.product + " from the run's spool events.";

  // ---- score cards ----
  function donut(value) {
    var r = 36, c = 2 * Math.PI * r, filled = value === null ? 0 : (c * value) / 100;
    return '<svg class="donut" viewBox="0 0 92 92" role="img" aria-label="' + formatPercent(value) + '">' +
      '<circle class="track" cx="46" cy="46" r="' + r + '" fill="none" stroke-width="10"/>' +
      '<circle class="' + grade(value) + '" cx="46" cy="46" r="' + r + '" fill="none" stroke-width="10" ' +
      'stroke-dasharray="' + filled.toFixed(2) + " " + c.toFixed(2) + '" transform="rotate(-90 46 46)" stroke-linecap="butt"/>' +
      '<text x="46" y="51" text-anchor="middle">' + formatPercent(value) + "</text></svg>";
  }
  function card(name, score, total) {
    var value = percent(score.passed, score.counted);
    return '<div class="card' + (total ? " total" : "") + '" data-framework="' + esc(name) + '"><div class="name">' + esc(name) +
      "</div>" + donut(value) + '<div class="weights">' + score.passed + " / " + score.counted + " weight</div></div>";
  }
  $("score-cards").innerHTML = card("Total", data.total, true) +
    data.frameworks.map(function (f) { return card(f.name, f, false); }).join("");
  $("status-counts").innerHTML = "<h3>Verdicts</h3><ul class=\"counts\">" + ["Fail", "Unknown", "Error", "Pass", "Skipped"].map(function (s) {
    return '<li class="s-' + LETTER[s] + '">' + esc(s) + " " + data.counts[s] + "</li>";
  }).join("") + "</ul>";

  // ---- trend ----
  (function () {
    var points = data.trend.map(function (p) { return { run: p.run, time: p.time, value: percent(p.passed, p.counted) }; })
      .filter(function (p) { return p.value !== null; });
    var html = "<h3>Total score per run</h3>";
    if (points.length < 2) {
      html += '<p class="muted">' + (points.length === 1 ? "One run in the spool so far: the trend appears after the next scan." : "No scores yet.") + "</p>";
    } else {
      var w = 600, h = 160, left = 34, bottom = 22, span = points.length - 1;
      var xy = points.map(function (p, i) {
        return [left + ((w - left - 10) * i) / span, 8 + (h - bottom - 8) * (1 - p.value / 100)];
      });
      html += '<svg viewBox="0 0 ' + w + " " + h + '" role="img" aria-label="Total score per run">';
      [0, 50, 100].forEach(function (v) {
        var y = 8 + (h - bottom - 8) * (1 - v / 100);
        html += '<line class="axis" x1="' + left + '" x2="' + (w - 10) + '" y1="' + y + '" y2="' + y + '"/><text x="2" y="' + (y + 4) + '">' + v + "%</text>";
      });
      html += '<polyline class="line" points="' + xy.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" ") + '"/>';
      points.forEach(function (p, i) {
        html += '<circle class="dot" cx="' + xy[i][0].toFixed(1) + '" cy="' + xy[i][1].toFixed(1) + '" r="4"><title>' +
          esc(when(p.time) + ": " + formatPercent(p.value)) + "</title></circle>";
      });
      html += '<text x="' + left + '" y="' + (h - 4) + '">' + esc(when(points[0].time).slice(0, 10)) + '</text><text x="' + (w - 10) +
        '" y="' + (h - 4) + '" text-anchor="end">' + esc(when(points[span].time).slice(0, 10)) + "</text></svg>";
    }
    $("trend").className = "panel trend";
    $("trend").innerHTML = html;
  })();

  // ---- drift ----
  (function () {
    var d = data.drift;
    function pairList(list) {
      return "<ul>" + list.slice(0, 200).map(function (p) {
        var control = byControl[p[1]];
        return "<li>" + esc(p[0]) + ": " + esc(p[1]) + (control ? " " + esc(control.title) : "") + "</li>";
      }).join("") + (list.length > 200 ? "<li>and " + (list.length - 200) + " more</li>" : "") + "</ul>";
    }
    function nameList(list) { return "<ul>" + list.map(function (n) { return "<li>" + esc(n) + "</li>"; }).join("") + "</ul>"; }
    function box(title, count, body, cls) {
      return '<div class="panel ' + (cls || "") + '"><h3>' + esc(title) + '</h3><div class="big">' + count + "</div>" + (count ? body : "") + "</div>";
    }
    $("drift-body").innerHTML =
      box("New failures", d.newFailures.length, pairList(d.newFailures)) +
      box("Fixed", d.fixed.length, pairList(d.fixed)) +
      box("Still failing", d.stillFailing.length, pairList(d.stillFailing)) +
      box("New servers", d.newHosts.length, nameList(d.newHosts)) +
      (d.goneHosts === null
        ? '<div class="panel"><h3>Servers gone</h3><p class="muted">No earlier run in the spool to compare with.</p></div>'
        : box("Servers gone", d.goneHosts.length, nameList(d.goneHosts)));
  })();

  // ---- unreached ----
  $("unreached-body").innerHTML = data.unreached.length === 0
    ? '<p class="muted">Every server in the run was scanned.</p>'
    : '<div class="panel"><table><thead><tr><th>Server</th><th>Address</th><th>Error class</th><th>Message</th></tr></thead><tbody>' +
      data.unreached.map(function (u) {
        return "<tr><td>" + esc(u.name) + "</td><td>" + esc(u.ip || "") + "</td><td><code>" + esc(u.errorClass) + "</code></td><td>" + esc(u.message) + "</td></tr>";
      }).join("") + "</tbody></table></div>";

  // ---- filters ----
  var filters = { framework: [], status: [], category: [], server: [] };
  function unique(list) { return list.filter(function (v, i) { return list.indexOf(v) === i; }); }
  var frameworkNames = data.frameworks.map(function (f) { return f.name; });
  var options = {
    framework: frameworkNames,
    status: ["Fail", "Unknown", "Error", "Pass", "Skipped"],
    category: unique(controls.map(function (c) { return c.category; })).sort(),
    server: hosts.map(function (h) { return h.name; }).slice().sort()
  };
  var labels = { framework: "Framework", status: "Status", category: "Category", server: "Server" };
  $("filter-groups").innerHTML = Object.keys(options).map(function (key) {
    return '<details class="filter" id="filter-' + key + '"><summary>' + labels[key] + ': all</summary><fieldset><legend class="muted">' + labels[key] +
      "</legend>" + options[key].map(function (value) {
        return '<label><input type="checkbox" data-filter="' + key + '" value="' + esc(value) + '"> ' + esc(value) + "</label>";
      }).join("") + "</fieldset></details>";
  }).join("");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll(".filter[open]").forEach(function (d) { d.removeAttribute("open"); d.querySelector("summary").focus(); });
    }
  });
  $("filter-groups").addEventListener("change", function (event) {
    var input = event.target;
    var key = input.getAttribute("data-filter");
    if (!key) return;
    var list = filters[key];
    var at = list.indexOf(input.value);
    if (input.checked && at < 0) list.push(input.value);
    if (!input.checked && at >= 0) list.splice(at, 1);
    document.querySelector("#filter-" + key + " > summary").textContent = labels[key] + ": " +
      (list.length === 0 ? "all" : list.length === 1 ? list[0] : list.length + " selected");
    update();
  });
  $("search").addEventListener("input", update);
  $("show-skipped").addEventListener("change", update);
  $("row-order").addEventListener("change", renderMatrix);
  $("column-order").addEventListener("change", renderMatrix);
  $("clear-filters").addEventListener("click", function () {
    Object.keys(filters).forEach(function (key) { filters[key] = []; document.querySelector("#filter-" + key + " > summary").textContent = labels[key] + ": all"; });
    document.querySelectorAll("#filter-groups input").forEach(function (input) { input.checked = false; });
    $("search").value = "";
    update();
  });

  var visible = { controls: [], hosts: [] };
  function statusShown(letter) {
    if (letter === "-") return false;
    if (letter === "S" && !$("show-skipped").checked && filters.status.indexOf("Skipped") < 0) return false;
    return filters.status.length === 0 || filters.status.indexOf(STATUS[letter]) >= 0;
  }
  function computeVisible() {
    var query = $("search").value.trim().toLowerCase();
    var serverSet = filters.server.length ? filters.server : null;
    var hostList = hosts.filter(function (h) { return !serverSet || serverSet.indexOf(h.name) >= 0; });
    var controlList = controls.filter(function (c) {
      if (filters.framework.length && !c.frameworks.some(function (f) { return filters.framework.indexOf(f) >= 0; })) return false;
      if (filters.category.length && filters.category.indexOf(c.category) < 0) return false;
      return true;
    });
    if (query) {
      var byText = controlList.filter(function (c) {
        return (c.id + " " + c.title + " " + c.category + " " + c.description).toLowerCase().indexOf(query) >= 0;
      });
      var byHost = hostList.filter(function (h) { return h.name.toLowerCase().indexOf(query) >= 0; });
      if (byText.length || !byHost.length) controlList = byText;
      if (byHost.length && !byText.length) hostList = byHost;
    }
    // A control is shown when one of the shown servers has a shown verdict for it; a server likewise.
    controlList = controlList.filter(function (c) { return hostList.some(function (h) { return statusShown(h.statuses[c.index]); }); });
    hostList = hostList.filter(function (h) { return controlList.some(function (c) { return statusShown(h.statuses[c.index]); }); });
    visible = { controls: controlList, hosts: hostList };
  }

  // ---- matrix ----
  var sortControl = null;
  function renderMatrix() {
    var rows = visible.hosts.slice();
    var cols = visible.controls.slice();
    if ($("column-order").value === "id") cols.sort(function (a, b) { return a.id < b.id ? -1 : 1; });
    else cols.sort(function (a, b) { return a.index - b.index; });
    if (sortControl !== null) {
      var rank = { F: 0, E: 1, U: 2, P: 3, S: 4, "-": 5 };
      rows.sort(function (a, b) { return (rank[a.statuses[sortControl]] - rank[b.statuses[sortControl]]) || (a.index - b.index); });
    } else if ($("row-order").value === "name") rows.sort(function (a, b) { return a.name < b.name ? -1 : 1; });
    else rows.sort(function (a, b) { return a.index - b.index; });
    var head = '<thead><tr><th class="host" scope="col">Server</th><th class="score" scope="col">Score</th>' + cols.map(function (c) {
      return '<th class="control" scope="col"><button type="button" data-sort="' + c.index + '" title="' + esc(c.id + ": " + c.title + " (sort servers by this control)") + '">' +
        esc(c.id.replace(/^EDCA-/, "")) + "</button></th>";
    }).join("") + "</tr></thead>";
    var body = rows.map(function (h) {
      var cells = "";
      for (var i = 0; i < cols.length; i++) {
        var letter = h.statuses[cols[i].index];
        var cls = letter === "-" ? "s-none" : "s-" + letter;
        cells += '<td class="cell ' + cls + (statusShown(letter) ? "" : " dim") + '" data-c="' + cols[i].index + '">' + (letter === "-" ? "\u00b7" : letter) + "</td>";
      }
      return '<tr data-host="' + esc(h.name) + '"><th class="host" scope="row">' + esc(h.name) + '</th><td class="score">' + formatPercent(percent(h.passed, h.counted)) + "</td>" + cells + "</tr>";
    }).join("");
    $("matrix-table").innerHTML = head + "<tbody>" + body + "</tbody>";
  }
  // A cell's tooltip (server, control, status) is made when the pointer reaches it: 1,000 servers x the catalog
  // would otherwise carry tens of thousands of title attributes.
  $("matrix-table").addEventListener("mouseover", function (event) {
    var cell = event.target.closest("td.cell");
    if (!cell || cell.title) return;
    var control = controls[Number(cell.getAttribute("data-c"))];
    var host = hosts.filter(function (h) { return h.name === cell.parentNode.getAttribute("data-host"); })[0];
    if (control && host) cell.title = host.name + " \u00b7 " + control.id + " " + control.title + ": " + STATUS[host.statuses[control.index]];
  });
  $("matrix-table").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-sort]");
    if (!button) return;
    var index = Number(button.getAttribute("data-sort"));
    sortControl = sortControl === index ? null : index;
    renderMatrix();
  });

  // ---- findings ----
  function summaryCounts(control) {
    var counts = { F: 0, U: 0, E: 0, P: 0, S: 0 };
    visible.hosts.forEach(function (h) { var l = h.statuses[control.index]; if (counts[l] !== undefined && statusShown(l)) counts[l]++; });
    return ["F", "U", "E", "P", "S"].filter(function (l) { return counts[l]; }).map(function (l) {
      return '<span class="badge s-' + l + '">' + counts[l] + " " + STATUS[l] + "</span>";
    }).join("");
  }
  function detail(control) {
    var html = '<div class="detail"><p>' + esc(control.description) + "</p>";
    html += '<p class="muted">' + esc(control.subject) + " control \u00b7 severity " + esc(control.severity) + " \u00b7 weight " + control.weight + (control.verify ? "" : " \u00b7 not verified: not in scores") +
      " \u00b7 " + esc(control.frameworks.join(", ") || "no framework") + "</p>";
    html += '<h3>Evidence per server</h3><table class="evidence"><thead><tr><th>Server</th><th>Status</th><th>Evidence</th></tr></thead><tbody>';
    visible.hosts.forEach(function (h) {
      var l = h.statuses[control.index];
      if (!statusShown(l)) return;
      var lines = h.evidence[control.index].map(function (i) { return "<li>" + esc(data.strings[i]) + "</li>"; }).join("");
      html += "<tr><td>" + esc(h.name) + '</td><td><span class="badge s-' + l + '">' + STATUS[l] + '</span></td><td><ul class="lines">' + lines + "</ul></td></tr>";
    });
    html += "</tbody></table><h3>Remediation</h3><p>" + esc(control.remediation) + "</p>";
    if (control.considerations) html += "<h3>Before you change it</h3><p>" + esc(control.considerations) + "</p>";
    if (control.script) {
      html += '<div class="script-head"><h3>Script' + (control.automatable ? "" : " (needs judgement: not in the generated remediation)") +
        '</h3><button type="button" class="copy" data-copy="' + control.index + '">Copy</button></div><pre><code>' + esc(control.script) + "</code></pre>";
    }
    if (control.references.length) {
      html += "<h3>References</h3><ul>" + control.references.map(function (r) {
        return '<li><a href="' + esc(r.url) + '" rel="noreferrer noopener" target="_blank">' + esc(r.name) + "</a></li>";
      }).join("") + "</ul>";
    }
    return html + "</div>";
  }
  function renderFindings() {
    var groups = {};
    visible.controls.forEach(function (c) { (groups[c.category] = groups[c.category] || []).push(c); });
    var names = Object.keys(groups).sort();
    $("findings-body").innerHTML = names.length === 0 ? '<p class="muted">No control matches the filters.</p>' : names.map(function (name) {
      return '<div class="category"><h3>' + esc(name) + " (" + groups[name].length + ")</h3>" + groups[name].map(function (c) {
        return '<details class="control" data-control="' + esc(c.id) + '"><summary><span class="id">' + esc(c.id) + '</span><span class="title">' + esc(c.title) +
          '</span><span class="badges"><span class="badge sev">' + esc(c.severity) + "</span>" + summaryCounts(c) + "</span></summary></details>";
      }).join("") + "</div>";
    }).join("");
  }
  $("findings-body").addEventListener("toggle", function (event) {
    var element = event.target;
    if (!element.classList || !element.classList.contains("control") || !element.open || element.querySelector(".detail")) return;
    element.insertAdjacentHTML("beforeend", detail(byControl[element.getAttribute("data-control")]));
  }, true);
  $("findings-body").addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) return;
    var text = controls[Number(button.getAttribute("data-copy"))].script;
    function done(ok) { button.textContent = ok ? "Copied" : "Select and copy"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      var ok = false; try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area); done(ok);
    }
  });
  window.addEventListener("beforeprint", function () {
    if (hosts.length > 50) return; // a fleet-sized report prints its summary, matrix and headings only
    document.querySelectorAll("details.control").forEach(function (d) { d.open = true; });
  });

  function update() {
    computeVisible();
    $("filter-summary").textContent = plural(visible.controls.length, "control") + " \u00b7 " + plural(visible.hosts.length, "server") + " shown";
    renderMatrix();
    renderFindings();
  }
  if (params.get("q")) $("search").value = params.get("q");
  update();
})();
