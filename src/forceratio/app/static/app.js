// The explorer page: no libraries, no network beyond this server.
"use strict";
const $ = (id) => document.getElementById(id);
// a number the server could not give (NaN, an infinity: null in JSON) shows as "n/a"
const NA = "n/a";
const fmt = (x) => (x === null || x === undefined ? NA : Math.round(x).toLocaleString("en-US"));
const pct = (x) => (x === null || x === undefined ? NA : (100 * x).toFixed(0) + "%");
let current = null;     // the scenario shown
// slot -> the name the side is shown by (the scenario's side_names, else the slot's own):
// every side on the page is named through side(), never by its slot
let names = {USSR: "USSR", Germany: "Germany"};
const side = (slot) => (slot === "draw" ? "draw" : (names[slot] ?? slot));
let pending = false;    // a run is in flight
let again = false;      // the values changed while it was

// said on the page too after a moment (a stiff point, or runs of other tabs ahead, can take
// seconds; the usual run's tens of milliseconds flash nothing)
let busyTimer = 0;
function setState(s) {
  document.body.dataset.state = s;
  clearTimeout(busyTimer);
  if (s === "busy") { busyTimer = setTimeout(() => { $("busy").hidden = false; }, 300); }
  else { $("busy").hidden = true; }
}

async function getJSON(url, options) {
  let r;
  try {
    r = await fetch(url, options);
  } catch (e) {  // no answer at all: the browser's "Failed to fetch" says nothing of why
    throw new Error("server: no answer (is forceratio app still running? start it again " +
                    "and reload this page)");
  }
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch (e) {
    // never "Unexpected token ..." on the page: the status and the reply's first line
    throw new Error("server: HTTP " + r.status + " " + (text.split("\n")[0].slice(0, 200) || r.statusText));
  }
  if (!r.ok) { throw new Error((body && body.error) || ("server: HTTP " + r.status)); }
  return body;
}

function values() {
  const out = {};
  for (const box of document.querySelectorAll(".param input[type=number]")) {
    // the scenario's own value exactly until the user moves it (the box shows it rounded)
    out[box.dataset.path] = box.dataset.exact ?? box.value;
  }
  return out;
}

function check() {
  // refused here as the command line refuses them: a number, finite
  for (const box of document.querySelectorAll(".param input[type=number]")) {
    const v = box.value.trim();
    // a number box holds '' for text that is no number: say which it was
    if (box.validity && box.validity.badInput) {
      return box.dataset.path + ": expected a number, got text that is not one";
    }
    if (v === "") {
      return box.dataset.path + ": missing (the box is empty); expected a number";
    }
    if (!Number.isFinite(Number(v))) {
      return box.dataset.path + ": expected a finite number, got '" + v + "'";
    }
  }
  return null;
}

// the box an error names (here or the server's: "path: ...") outlined and marked invalid,
// the others cleared ("": none)
function mark(message) {
  for (const box of document.querySelectorAll(".param input[type=number]")) {
    const bad = message.startsWith(box.dataset.path + ":");
    box.classList.toggle("bad", bad);
    box.setAttribute("aria-invalid", String(bad));
  }
}

// while an error shows, the last result is for other inputs: greyed out, and said so
function stale(on) {
  $("results").classList.toggle("stale", on);
  $("stale").hidden = !on;
}

function fail(message) {
  $("error").textContent = message; $("stale-why").textContent = message;
  mark(message); stale(true); setState("error");
}

// the scenario and the values moved from its own, kept in the page's address (#scenario=
// kiev-1941&breakpoints.USSR=0.3): a reload, or coming back to the page, shows them again
function keep() {
  keepTimer = 0; keptAt = performance.now();
  if (!current) { return; }
  const kept = new URLSearchParams({scenario: current.name});
  for (const box of document.querySelectorAll(".param input[type=number]")) {
    if (box.dataset.exact === undefined) { kept.append(box.dataset.path, box.value); }
  }
  history.replaceState(null, "", "#" + kept.toString());
}

// at once, but at most one address change each 100 ms, the last always made (chromium
// ignores more than 200 in 10 s, as a slider dragged for that long would make)
let keepTimer = 0, keptAt = -1e9;
function remember() {
  if (!keepTimer) { keepTimer = setTimeout(keep, Math.max(0, keptAt + 100 - performance.now())); }
}

// the values an address gives, set in their boxes and sliders (a path this scenario does not
// have is left out); the first that is no number, as an error naming its box (a number box
// would hold it as "", said to be empty), else null
function recall(kept) {
  let problem = null;
  for (const box of document.querySelectorAll(".param input[type=number]")) {
    const v = kept.get(box.dataset.path);
    if (v === null) { continue; }
    if (v.trim() === "" || !Number.isFinite(Number(v))) {
      problem = problem || (box.dataset.path + ": expected a finite number, got '" +
                            short(v, 40) + "' (from the page's address)");
      continue;
    }
    delete box.dataset.exact; box.value = v;
    box.closest(".param").querySelector("input[type=range]").value = v;
  }
  return problem;
}

async function update() {
  if (current) { remember(); }
  const problem = check();
  if (problem) { fail(problem); return; }
  if (pending) { again = true; return; }
  pending = true; setState("busy");
  const asked = current;
  try {
    const res = await getJSON("/api/run", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({scenario: asked.name, values: values()}),
    });
    if (asked !== current) { return; }  // another scenario chosen since: its run answers
    show(res);
    document.body.dataset.runs = String(Number(document.body.dataset.runs) + 1);
    // not ready while a scenario chosen since is loading, or the inputs moved (the next
    // run follows): the figures shown are for earlier inputs
    if (choosing || again) { return; }
    // a box refused while this run was out stays refused: the answer is for earlier inputs
    const later = check();
    if (later) { fail(later); return; }
    $("error").textContent = ""; mark("");
    stale(false);
    setState("ready");
  } catch (e) {
    if (asked !== current) { return; }  // (its refusal too: the later scenario's run answers)
    fail(e.message);
  } finally {
    pending = false;
    if (again) { again = false; update(); }
  }
}

function paramRow(p) {
  const div = document.createElement("div");
  div.className = "param";
  // a hundredth of the range, rounded to a decimal: (3 - 1.2) / 100 is 0.018000000000000002,
  // of which the browser's decimal step arithmetic fits only 99 into the range (End at 2.982)
  const step = Number(((p.high - p.low) / 100).toPrecision(12));
  const id = "p-" + p.path.replace(/[^A-Za-z0-9_-]/g, "-");
  div.innerHTML =
    '<label></label><div class="row"><input type="range"><input type="number"></div>' +
    '<div class="range"></div><details><summary></summary><span></span></details>';
  div.querySelector("label").textContent = p.label;
  div.querySelector("label").htmlFor = id;
  // the disclosure named by what it discloses, for a screen reader's list of buttons
  div.querySelector("summary").textContent = "source";
  div.querySelector("summary").setAttribute("aria-label", "source of " + p.label);
  const range = div.querySelector("input[type=range]");
  const box = div.querySelector("input[type=number]");
  box.id = id;
  for (const el of [range, box]) { el.dataset.path = p.path; el.step = String(step); }
  // the step is for the user's moves; the start is the scenario's value, not a step's
  range.min = String(p.low); range.max = String(p.high); range.value = String(p.value);
  range.setAttribute("aria-label", p.label);
  box.value = String(+p.value.toPrecision(4));
  box.dataset.exact = String(p.value);  // JavaScript's shortest exact form of the number
  box.setAttribute("aria-label", p.label + " value");
  box.setAttribute("aria-describedby", "error");  // a refusal is read out with the box
  div.querySelector(".range").textContent =
    "declared range " + p.low + " to " + p.high + " (" + p.path + ")";
  div.querySelector("details span").textContent = p.source || "no source recorded";
  range.addEventListener("input", () => {
    delete box.dataset.exact; box.value = range.value; update();
  });
  box.addEventListener("input", () => { delete box.dataset.exact; });
  box.addEventListener("change", () => {
    delete box.dataset.exact;
    // (an empty box is no value: Number("") is 0, and a slider given "" sits at its middle)
    if (box.value.trim() !== "" && Number.isFinite(Number(box.value))) { range.value = box.value; }
    update();
  });
  return div;
}

// the latest choice of scenario: an answer for an earlier one (arrow keys run through the
// list faster than a scenario is first prepared) arrives late and is dropped, not shown
let chosen = 0;
let choosing = false;  // a scenario asked for, not yet loaded: the page is not ready

async function choose(name, kept) {
  const ticket = ++chosen;
  choosing = true;
  setState("busy");
  let scn;
  try {
    scn = await getJSON("/api/scenario/" + encodeURIComponent(name));
  } catch (e) {
    // not loaded: the picker names the scenario still shown, not the one refused
    if (ticket === chosen && current) { $("scenario").value = current.name; }
    throw e;
  } finally {
    if (ticket !== chosen) { return; }  // (its error too: the later choice answers)
    choosing = false;
  }
  current = scn;
  names = current.sides;
  $("subtitle").textContent = "A Lanchester model (" + current.law + " law) of " +
    (current.file ? "a scenario file's forces" : "the sourced 1941 force tables") +
    ". Move an assumption; the outcome follows.";
  $("description").textContent = current.description;
  $("title").textContent = "forceratio explorer: " + current.name + dated(current.date);
  document.title = "forceratio explorer: " + current.name;
  notes(current.notes || []);
  const params = $("params");
  params.replaceChildren(...current.parameters.map(paramRow));
  if (!current.parameters.length) {  // (a file may declare none: say so, not an empty list)
    const none = document.createElement("p");
    none.className = "note";
    none.textContent = "None: this scenario declares no uncertainty ranges, so nothing here " +
      "moves; every run around this point is this point.";
    params.appendChild(none);
  }
  const problem = kept ? recall(kept) : null;
  if (problem) { fail(problem); return; }
  await update();
}

// a day count for display: three significant digits (23.41367435541179 -> 23.4)
function days(x) { return String(Number(Number(x).toPrecision(3))); }

function show(res) {
  names = res.sides;
  $("winner").textContent = side(res.winner);
  $("winner").className = "big " + res.winner;  // (the slot: its colour)
  $("margin").textContent = res.attacker_margin === null ? NA + " (a side had no combat power to keep)"
    : (res.attacker_margin >= 0 ? "+" : "") + res.attacker_margin.toFixed(3);
  $("rule").textContent = "decided by " + res.decided_by + " (the outcome rule: a side loses " +
    "when it breaks, when its men cut off by capture pass a share, or when the attacker's advance passes " +
    "a depth; with none of these, the side keeping the larger share of its combat power at the start plus its arrivals wins)";
  $("end").textContent = res.end_reason + " (" + days(res.duration_days) + " days)";
  const rows = [["", esc(side("USSR")), esc(side("Germany"))]];
  for (const [k, name] of [["personnel", "men lost"], ["tanks", "tanks lost"], ["aircraft", "aircraft lost"]]) {
    rows.push([name, fmt(res.losses.USSR[k]), fmt(res.losses.Germany[k])]);
  }
  rows.push(["combat power kept", pct(res.kept.USSR), pct(res.kept.Germany)]);
  $("losses").innerHTML = rows.map((r, i) =>
    "<tr>" + r.map((c) => (i ? "<td>" : "<th>") + c + (i ? "</td>" : "</th>")).join("") + "</tr>").join("");
  const nb = res.nearby;
  $("p-attacker").textContent = pct(nb.attacker_win_probability);
  $("p-interval").textContent = "95% interval " + pct(nb.interval[0]) + " to " + pct(nb.interval[1]) +
    " (" + nb.interval_method + ", " + nb.wins + " of " + nb.samples + " runs)";
  $("nearby-note").textContent = nb.samples + " runs with every assumption drawn within ±" +
    pct(nb.span) + " of its range around this point (one-sided at a range's end); attacker: " +
    side(res.attacker) + ". It holds the calibrated attrition rates fixed and varies only these " +
    "nearby inputs, unlike compare's posterior P, which also draws the rates.";
  chart(res);
  record(res);
}

// the chart drawn as wide as it is shown (320 to 720 pixels), so that its words keep their
// size in a narrow window instead of shrinking with a 720-wide drawing; redrawn on a resize
let drawn = null;
window.addEventListener("resize", () => { if (drawn) { chart(drawn); } });

function chart(res) {
  drawn = res;
  const svg = $("chart"), H = 300, L = 80, R = 110, T = 10, B = 35;
  const W = Math.min(720, Math.max(320, Math.round(svg.getBoundingClientRect().width) || 720));
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const days = res.days, slots = ["USSR", "Germany"];
  const all = slots.flatMap((s) => res.trajectories[s].men);
  const peak = Math.max(...all), step = 10 ** Math.floor(Math.log10(peak)) / 2;
  const top = Math.ceil(peak * 1.02 / step) * step || 1, x1 = days[days.length - 1] || 1;
  const X = (d) => L + (W - L - R) * d / x1, Y = (v) => T + (H - T - B) * (1 - v / top);
  let s = "";
  for (let k = 0; k <= 4; k++) {
    const v = top * k / 4;
    s += `<line x1="${L}" x2="${W - R}" y1="${Y(v)}" y2="${Y(v)}" stroke="#eee"/>` +
         `<text x="${L - 6}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`;
  }
  // a day tick every 5 days, or 10, 20, 50... where 5 would crowd the axis (28 pixels apart)
  const every = [5, 10, 20, 50, 100, 200, 500].find((e) => (W - L - R) * e / x1 >= 28) || 1000;
  for (let d = 0; d <= x1; d += every) {
    s += `<text x="${X(d)}" y="${H - B + 16}" text-anchor="middle">${d}</text>`;
  }
  s += `<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">days from the start</text>`;
  s += `<text x="12" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(T + H - B) / 2})">men under arms</text>`;
  const colour = {USSR: "#b2182b", Germany: "#4d4d4d"};
  for (const slot of slots) {
    const men = res.trajectories[slot].men;
    const pts = days.map((d, i) => X(d).toFixed(1) + "," + Y(men[i]).toFixed(1)).join(" ");
    s += `<polyline fill="none" stroke="${colour[slot]}" stroke-width="2" points="${pts}">` +
         `<title>${esc(side(slot))}</title></polyline>`;
    // a long name cut to the margin's width, whole in its tooltip and the legend below
    const name = short(side(slot), 16);
    s += `<text x="${W - R + 6}" y="${Y(men[men.length - 1]) + 4}" fill="${colour[slot]}">` +
         `<title>${esc(side(slot))}</title>${esc(name)}</text>`;
  }
  svg.innerHTML = s;
  $("legend").replaceChildren(...slots.map((slot) => {
    const item = document.createElement("span");
    item.className = "key " + slot;
    item.textContent = side(slot);
    return item;
  }));
}

// ``text`` cut to ``n`` characters (code points, not halves of one), an ellipsis marking the cut
function short(text, n) {
  const chars = Array.from(text);
  return chars.length <= n ? text : chars.slice(0, n - 1).join("") + "\u2026";
}

function record(res) {
  const box = $("record-body");
  if (res.records.length) {
    let h = "<table><tr><th>record (source)</th><th>day</th><th>history</th><th>model</th>" +
            "<th>model v record</th></tr>";
    for (const r of res.records) {
      const said = /lower bound/i.test(r.label);  // the label says so already: not twice
      h += `<tr><td>${esc(side(r.side))}: ${esc(r.label)}${r.lower_bound && !said ? " (a lower bound)" : ""}</td>` +
           `<td>${r.day}</td><td>${fmt(r.history)}</td><td>${fmt(r.model)}</td>` +
           `<td>${versus(r)}</td></tr>`;
    }
    box.innerHTML = h + "</table>";
    return;
  }
  if (!res.history.length) {  // a scenario naming its own sides: not a 1941 battle
    box.innerHTML = '<p class="note">No record to set beside this run: the scenario has none ' +
      "of its own, and the 22 June 1941 record stands beside the 1941 scenarios only (this " +
      "one names its own sides, " + esc(side("USSR")) + " and " + esc(side("Germany")) + ").</p>";
    return;
  }
  let h = '<p class="note">This scenario never happened; what did happen from 22 June 1941 ' +
          "(men lost, with their sources) beside this run's losses over " + days(res.duration_days) +
          " days. <strong>Not figure for figure:</strong> each record covers a whole Front (or " +
          "all the German armies) on a different, far wider front; this run covers " +
          esc(res.scenario) + "'s own sector(s) only.</p>" +
          "<table><tr><th>22 June 1941, whole Fronts: record (source)</th><th>to day</th><th>men</th></tr>";
  for (const r of res.history) {
    // the 1941 record's own sides, whatever this scenario calls its slots
    h += `<tr><td>${esc(r.side)}: ${esc(r.label)}</td><td>${r.day}</td><td>${fmt(r.value)}</td></tr>`;
  }
  for (const slot of ["USSR", "Germany"]) {
    h += `<tr><th>this run (its sector(s) only): ${esc(res.lost_labels[slot])}</th>` +
         `<td>${days(res.duration_days)}</td><td>${fmt(res.losses[slot].personnel)}</td></tr>`;
  }
  box.innerHTML = h + "</table>";
}

// the model against a record, as the command line says it: -29% (under a lower bound)
function versus(r) {
  if (r.model === null || !r.history) { return NA; }
  const e = r.model / r.history - 1;
  let t = (e < 0 ? "\u2212" : "+") + Math.abs(100 * e).toFixed(0) + "%";
  if (r.lower_bound) { t += e >= 0 ? " (over a lower bound: met)" : " (under a lower bound)"; }
  return t;
}

function notes(list) {
  const box = $("notes");
  box.hidden = !list.length;
  $("notes-count").textContent = list.length + " (" +
    list.filter((n) => n.includes("ASSUMPTION")).length + " marked ASSUMPTION)";
  $("notes-list").replaceChildren(...list.map((n) => {
    const li = document.createElement("li"); li.textContent = n; return li;
  }));
}

// " (1941-06-12)"; nothing for a file that gives no date (null, not "(null)")
function dated(date) { return date ? " (" + date + ")" : ""; }

function esc(t) {
  const d = document.createElement("div"); d.textContent = t; return d.innerHTML;
}

async function start() {
  try {
    const list = await getJSON("/api/scenarios");
    const sel = $("scenario");
    for (const s of list) {
      const o = document.createElement("option");
      o.value = s.name; o.textContent = s.name + dated(s.date);
      sel.appendChild(o);
    }
    sel.addEventListener("change", () => choose(sel.value).catch((e) => fail(e.message)));
    // an address edited by hand (its part after #): the scenario and values it names
    window.addEventListener("hashchange", () => {
      const kept = new URLSearchParams(location.hash.slice(1));
      const named = list.find((s) => s.name === kept.get("scenario"));
      if (named) { sel.value = named.name; choose(named.name, kept).catch((e) => fail(e.message)); }
    });
    // the scenario the address names (a reload, a way back to the page), else the first
    const kept = new URLSearchParams(location.hash.slice(1));
    const named = list.find((s) => s.name === kept.get("scenario"));
    sel.value = (named || list[0]).name;
    await choose((named || list[0]).name, named ? kept : null);
  } catch (e) {
    fail(e.message);
  }
}
start();
