"""The curation view of notebook 05: the article with every proposal marked in place and, beside it, the proposal
under review; accept in one click, edit its fields, reject with a reason, select words to add a figure the draft
missed, undo, save, take back a saved decision. Every action is a call of kzfigures.curation()
(figures/curation.py), which does the work.

Built on anywidget: selecting words needs a few lines of browser code, and anywidget runs them from a string in a
plain JupyterLab (a prebuilt extension, nothing to build, no server extension), on top of ipywidgets.
"""
from __future__ import annotations

import math
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ..figures.bounds import Bounds
from ..figures.curation import Curation, reading_cells
from ..figures.problems import DataPackageError
from ..figures.proposals import NOT_CHECKED, bounds_of_row
from ..figures.table import NO_SOURCE_FOUND

#: Reasons offered when rejecting, beside those the draft gave in this article.
REASONS = ["year: says when, not how many", "ordinal: ranks, it does not count", "part of a name",
           "pronoun: not a quantity", "date: the day of a month", "not a figure of this article"]

_ESM = r"""
function esc(s) {  // text from the data as text, in an element or in an attribute's quotes
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
function render({ model, el }) {
  el.classList.add("kz-curate");
  el.innerHTML = `<style>
    .kz-curate {container-type:inline-size; font-family:inherit}
    .kz-curate .kz-layout {display:flex; gap:1.2em; align-items:flex-start}
    .kz-curate .kz-article {flex:3; white-space:pre-wrap; line-height:1.7; max-height:38em; overflow:auto;
      border:1px solid #ccc; padding:.6em .8em; background:#fff; color:#111}
    .kz-curate .kz-side {flex:2; min-width:19em; overflow-wrap:anywhere}
    .kz-curate .kz-progress {font-weight:bold}
    .kz-curate .kz-card table {border-collapse:collapse; width:100%; margin-top:.3em}
    .kz-curate .kz-card th {text-align:left; vertical-align:top; width:8.5em; padding:.15em .4em .15em 0;
      font-weight:600}
    .kz-curate .kz-card td {padding:.15em 0}
    .kz-curate .kz-card .kz-id {font-size:80%; color:#555}
    .kz-curate mark {padding:0 1px; cursor:pointer; background:#E69F0040; border-bottom:2px dashed #000; color:inherit}
    .kz-curate mark.kz-current {outline:3px solid #0072B2; background:#56B4E960}
    .kz-curate mark.kz-decided {background:none; border-bottom:2px solid #009E73; cursor:default}
    .kz-curate mark.kz-decided[data-pid]:not([data-pid=""]) {cursor:pointer}
    .kz-curate .kz-card {border:1px solid #999; padding:.6em; margin:.5em 0; background:#fafafa; color:#111}
    .kz-curate label {display:block; margin:.25em 0}
    .kz-curate fieldset {margin:.4em 0; padding:.3em .5em; min-width:0}
    .kz-curate input[type=text] {width:100%; box-sizing:border-box}
    .kz-curate button {margin:.2em .3em .2em 0; padding:.3em .7em}
    .kz-curate .kz-message {min-height:1.4em; font-size:95%}
    .kz-curate .kz-error {color:#A0001F}
    .kz-curate .kz-keys {font-size:85%; color:#555; margin-top:.4em}
    .kz-curate:focus-within .kz-keys {color:#111}
    .kz-curate:focus-within .kz-keys::before {content:"● "; color:#0072B2}
    @container (max-width: 40em) {  /* a phone, or a narrow panel: the article full width, the card under it */
      .kz-curate .kz-layout {flex-direction:column; align-items:stretch}
      .kz-curate .kz-article {flex:none; max-height:60vh}
      .kz-curate .kz-side {flex:none; min-width:0}
      .kz-curate button, .kz-curate select, .kz-curate input[type=text] {min-height:44px; box-sizing:border-box}
      .kz-curate select {max-width:100%}
      .kz-curate label:has(> input[type=checkbox]) {display:flex; align-items:center; gap:.5em; min-height:44px}
      .kz-curate input[type=checkbox] {width:1.3em; height:1.3em; margin:0}
      .kz-curate .kz-card tr, .kz-curate .kz-card th, .kz-curate .kz-card td {display:block; width:auto}
      .kz-curate .kz-card th {padding:.35em 0 0; overflow-wrap:normal}
    }
  </style>
  <div class="kz-layout">
  <div class="kz-article" tabindex="0" aria-label="the article: click a dashed mark, or select words to add a figure"></div>
  <div class="kz-side">
    <div class="kz-progress" role="status"></div>
    <div class="kz-message" role="alert"></div>
    <div class="kz-card"></div>
    <div class="kz-actions">
      <button class="kz-accept" title="accept the proposal as it is">Accept</button>
      <button class="kz-edit" title="open the fields to correct them">Edit…</button>
      <button class="kz-reject" title="reject: it becomes a non-figure with your reason">Reject…</button>
      <button class="kz-next" title="the next proposal">Next</button>
    </div>
    <form class="kz-form" hidden></form>
    <form class="kz-rejecting" hidden>
      <label>Reason <select class="kz-reason-pick"></select></label>
      <label>or in your words <input type="text" class="kz-reason" name="reason"></label>
      <button type="submit" class="kz-reject-confirm">Reject with this reason</button>
    </form>
    <div class="kz-selection" hidden>Selected: “<span class="kz-selected"></span>”
      <button class="kz-propose">Propose as a figure</button></div>
    <div><button class="kz-take-back" title="take back this saved decision: its proposal is to decide again" hidden>
      Take back this saved decision</button></div>
    <div><button class="kz-undo">Undo</button><button class="kz-save">Save</button></div>
    <div class="kz-keys">Keys, once you click in the view: a accept · e edit · r reject · u undo · j or → next ·
      k or ← previous</div>
  </div>
  </div>`;
  const article = el.querySelector(".kz-article");
  const q = (s) => el.querySelector(s);
  let selection = null;
  const send = (msg) => model.send(msg);

  function drawArticle() {
    const text = model.get("text"), marks = model.get("marks"), current = model.get("card").pid;
    let html = "", at = 0;
    for (const m of marks) {
      if (m.start < at) continue;
      html += `<span data-offset="${at}">${esc(text.slice(at, m.start))}</span>`;
      const cls = m.decided ? "kz-decided" : (m.pid === current ? "kz-current" : "kz-proposed");
      html += `<mark class="${cls}" data-pid="${esc(m.pid)}" data-offset="${m.start}" title="${esc(m.title)}">` +
              `${esc(text.slice(m.start, m.end))}</mark>`;
      at = m.end;
    }
    html += `<span data-offset="${at}">${esc(text.slice(at))}</span>`;
    article.innerHTML = html;
    // the current mark shown inside the article's own box, never by scrolling the notebook: on a phone the card's
    // buttons are under the article, and a person's thumb stays on them from one proposal to the next
    const cur = article.querySelector("mark.kz-current");
    if (cur) {
      const box = article.getBoundingClientRect(), mark = cur.getBoundingClientRect();
      if (mark.top < box.top || mark.bottom > box.bottom) article.scrollTop += mark.top - box.top - box.height / 3;
    }
  }
  function drawCard() {
    const c = model.get("card");
    const has = !!c.pid;
    for (const b of ["accept", "edit", "reject"]) q(".kz-" + b).disabled = !has;
    q(".kz-form").hidden = true; q(".kz-rejecting").hidden = true;
    q(".kz-take-back").hidden = !c.saved;
    if (!has) { q(".kz-card").innerHTML = esc(c.empty || "Nothing left to decide."); return; }
    const rows = [["words", "“" + c.words + "”"], ["read as", c.bounds_words], ["change", c.change_words],
      ["unit", c.unit], ["what is counted", c.measure], ["candidate credit", c.credit], ["period", c.period || "—"],
      ["sentence", c.sentence]];
    q(".kz-card").innerHTML = `<strong>${esc(c.heading)}</strong> <span class="kz-id">${esc(c.pid)}</span><table>` +
      rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join("") + `</table>`;
    const pick = q(".kz-reason-pick");
    pick.innerHTML = model.get("reasons").map((r) => `<option>${esc(r)}</option>`).join("");
  }
  function openForm() {
    const c = model.get("card");
    const f = q(".kz-form");
    const field = (name, label, value) =>
      `<label>${esc(label)} <input type="text" name="${name}" value="${esc(value == null ? "" : value)}"></label>`;
    const box = (name, label, on) =>
      `<label><input type="checkbox" name="${name}" ${on ? "checked" : ""}> ${esc(label)}</label>`;
    const moves = [["", "none: a level"], ["up", "up: a rise"], ["down", "down: a fall"]];
    f.innerHTML = `<label>change <select name="change">` + moves.map(([v, w]) =>
        `<option value="${v}" ${v === (c.change || "") ? "selected" : ""}>${esc(w)}</option>`).join("") +
      `</select></label>` + field("unit", "unit", c.unit) + field("measure", "what is counted", c.measure) +
      field("attributed_to", "credited to (a name as the article writes it, or unattributed)", c.credit_value) +
      field("role", "their role, if they are new", "") +
      field("kind", "person or organisation, if they are new", "") +
      field("period_text", "period (words of the sentence)", c.period) +
      `<fieldset><legend>Bounds (change only if the words say otherwise, and say why)</legend>` +
      field("lower", "lower", c.lower) + box("lower_open", "lower end open (more than)", c.lower_open) +
      field("upper", "upper", c.upper) + box("upper_open", "upper end open (less than)", c.upper_open) +
      field("override_reason", "why you read the words so", "") + `</fieldset>` +
      `<button type="submit" class="kz-accept-changes">Accept with these fields</button>`;
    f.hidden = false; q(".kz-rejecting").hidden = true;
    f.onsubmit = (e) => {
      e.preventDefault();
      const changes = {};
      for (const name of ["unit", "measure", "attributed_to", "role", "kind", "period_text", "override_reason"]) {
        const v = f.elements[name].value.trim();
        const before = name === "attributed_to" ? c.credit_value : c[name];
        if (v !== (before == null ? "" : String(before)).trim()) changes[name] = v;
      }
      for (const name of ["lower", "upper"]) {
        const v = f.elements[name].value.trim();
        if (v !== String(c[name] == null ? "" : c[name])) changes[name] = v;
      }
      for (const name of ["lower_open", "upper_open"]) {
        if (f.elements[name].checked !== !!c[name]) changes[name] = f.elements[name].checked;
      }
      if (f.elements.change.value !== (c.change || "")) changes.change = f.elements.change.value;
      send({action: "accept", pid: c.pid, changes});
    };
  }
  q(".kz-accept").onclick = () => send({action: "accept", pid: model.get("card").pid, changes: {}});
  q(".kz-edit").onclick = openForm;
  q(".kz-next").onclick = () => send({action: "next"});
  q(".kz-undo").onclick = () => send({action: "undo"});
  q(".kz-save").onclick = () => send({action: "save"});
  q(".kz-take-back").onclick = () => send({action: "take_back", pid: model.get("card").saved});
  q(".kz-reject").onclick = () => { q(".kz-rejecting").hidden = false; q(".kz-form").hidden = true; };
  q(".kz-rejecting").onsubmit = (e) => {
    e.preventDefault();
    const typed = q(".kz-reason").value.trim();
    send({action: "reject", pid: model.get("card").pid, reason: typed || q(".kz-reason-pick").value});
    q(".kz-reason").value = "";
  };
  article.onclick = (e) => {
    const m = e.target.closest("mark");
    if (m && !m.classList.contains("kz-decided") && window.getSelection().isCollapsed) {
      send({action: "show", pid: m.dataset.pid});
    } else if (m && m.dataset.pid && window.getSelection().isCollapsed) {
      send({action: "show_saved", pid: m.dataset.pid});  // a saved decision: it can be taken back
    }
  };
  function offsetOf(node, offset) {
    const holder = node.nodeType === 3 ? node.parentElement : node;
    if (!holder || !holder.dataset || holder.dataset.offset === undefined) return null;
    return Number(holder.dataset.offset) + (node.nodeType === 3 ? offset : 0);
  }
  function selected() {  // words selected in the article: offered to propose as a figure
    const sel = window.getSelection();
    if (sel.isCollapsed || !article.contains(sel.anchorNode) || !article.contains(sel.focusNode)) return false;
    const a = offsetOf(sel.anchorNode, sel.anchorOffset), b = offsetOf(sel.focusNode, sel.focusOffset);
    if (a === null || b === null) return true;
    selection = [Math.min(a, b), Math.max(a, b)];
    q(".kz-selected").textContent = model.get("text").slice(selection[0], selection[1]);
    q(".kz-selection").hidden = false;
    return true;
  }
  article.onmouseup = () => { if (!selected()) { q(".kz-selection").hidden = true; selection = null; } };
  // A phone selects with a long press and its handles, and sends no mouseup: the selection itself is followed.
  const onSelectionChange = () => { selected(); };
  document.addEventListener("selectionchange", onSelectionChange);
  q(".kz-propose").onclick = () => {
    if (selection) send({action: "select", start: selection[0], end: selection[1]});
    q(".kz-selection").hidden = true;
  };
  // Keys, on this element only: handled here and stopped, so JupyterLab (whose keydown listener is on the document,
  // in the bubbling phase) never sees them; a key typed into a field of the forms is the field's. Every other plain
  // key is stopped too while the view has the focus (JupyterLab's d d would delete its cell, m make it Markdown,
  // Enter open its code); Escape, Tab, Shift+Enter and keys with Ctrl, Alt or Cmd stay JupyterLab's.
  const KEYS = {a: "accept", e: "edit", r: "reject", u: "undo", j: "next", k: "previous",
                ArrowRight: "next", ArrowDown: "next", ArrowLeft: "previous", ArrowUp: "previous"};
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;  // Ctrl+S and the like stay JupyterLab's
    const typing = e.target.closest("input, select, textarea");
    if (typing) {
      if (e.key !== "Escape" && e.key !== "Tab") e.stopPropagation();
      return;
    }
    if (e.key === "Escape" || e.key === "Tab" || (e.shiftKey && e.key === "Enter")) return;
    e.stopPropagation();
    const what = e.shiftKey ? undefined : KEYS[e.key];
    if (!what) return;
    e.preventDefault();
    const pid = model.get("card").pid;
    if (what === "accept" && pid) send({action: "accept", pid, changes: {}});
    else if (what === "edit" && pid) {
      openForm();
      const unit = q(".kz-form").elements.unit;
      unit.focus(); unit.setSelectionRange(unit.value.length, unit.value.length);  // typing goes on from its end
    }
    else if (what === "reject" && pid) {
      q(".kz-rejecting").hidden = false; q(".kz-form").hidden = true; q(".kz-reason-pick").focus();
    }
    else if (what === "undo") send({action: "undo"});
    else if (what === "next" || what === "previous") send({action: what});
  }
  el.addEventListener("keydown", onKey);
  function drawStatus() {
    q(".kz-progress").textContent = model.get("progress");
    const m = q(".kz-message");
    m.textContent = model.get("message");
    m.classList.toggle("kz-error", model.get("error"));
  }
  model.on("change:marks", drawArticle);
  model.on("change:card", () => { drawArticle(); drawCard(); });
  model.on("change:progress", drawStatus);
  model.on("change:message", drawStatus);
  model.on("change:error", drawStatus);
  drawArticle(); drawCard(); drawStatus();
  return () => document.removeEventListener("selectionchange", onSelectionChange);
}
export default { render };
"""


def _bound_text(value: float) -> str:
    """A bound as a form shows it: 15000, inf."""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class CurationView(anywidget.AnyWidget):
    """The curation of one article in JupyterLab (see the module's docstring); ``curation`` does the work."""

    _esm = _ESM
    text = traitlets.Unicode("").tag(sync=True)
    marks: traitlets.List[dict[str, Any]] = traitlets.List([]).tag(sync=True)
    card = traitlets.Dict({}).tag(sync=True)
    reasons: traitlets.List[str] = traitlets.List([]).tag(sync=True)
    progress = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Bool(False).tag(sync=True)

    def __init__(self, curation: Curation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_message)
        self._start(curation)

    def _start(self, curation: Curation) -> None:
        """Show one article's curation, from its first proposal."""
        self.curation = curation
        self.selection: dict[str, str] | None = None
        self.text = curation.text
        drafted = sorted({r for r in curation.proposals["reason"] if r and not r.startswith("unread")})
        self.reasons = drafted + [r for r in REASONS if r not in drafted]
        self.card = {}
        self._refresh(first=True)

    def ensure_saved(self, before: str) -> None:
        """ValueError in one line when decisions of the article shown are not saved yet (``before``: what waits)."""
        pending = len(self.curation.decisions())
        if pending:
            raise ValueError(f"{pending} decision(s) for {self.curation.article} are not saved: Save (or Undo) them "
                             f"before {before}")

    def open_article(self, article: str) -> str:
        """Curate another article in this view (drafted first if it never was); what a person reads, in one line.
        Decisions not saved for the article shown are refused first: nothing a person decided is lost."""
        self.ensure_saved(f"opening {article}")
        self._start(curation_of(article))
        self.message, self.error = f"now curating {article}: {self.curation.progress()}", False
        return self.message

    def __repr__(self) -> str:
        return f"<the curation view of {self.curation.article}: {self.curation.progress()}>"

    # -- what the browser asks -----------------------------------------------------------------------------
    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        """Do what a click asked, through the curation; say what happened, or what was wrong, in one line."""
        action = content.get("action")
        try:
            said = self._act(action, content)
            self.error = False
        except DataPackageError as err:
            said = "not saved: " + " · ".join(str(p) for p in err.problems)
            self.error = True
        except ValueError as err:
            said = str(err)
            self.error = True
        self.message = said
        self._refresh()

    def _act(self, action: Any, content: dict[str, Any]) -> str:
        """One action of the view; returns what to say."""
        c = self.curation
        pid = content.get("pid")
        if action == "accept" and pid == "selection" and self.selection is not None:
            start, end = int(self.selection["number_start"]), int(self.selection["number_end"])
            figure_id = c.add(start, end, **_changes(content.get("changes", {})))
            self.selection = None
            return f"added “{self.curation.text[start:end]}” as {figure_id}; save when you are done"
        if action == "accept":
            c.accept(str(pid), **_changes(content.get("changes", {})))
            return c.decisions()[-1]
        if action == "reject" and pid == "selection":
            self.selection = None
            return "selection dropped"
        if action == "reject":
            c.reject(str(pid), str(content.get("reason", "")))
            return c.decisions()[-1]
        if action == "show":
            self.card = self._card(str(pid))
            return ""
        if action in ("next", "previous"):
            self.card = self._card(self._next_pid(forward=action == "next"))
            return ""
        if action == "select":
            return self._select(int(content["start"]), int(content["end"]))
        if action == "show_saved":
            said = next((w for _, _, i, w in c.saved_decisions() if i == pid), None)
            if said is None:
                raise ValueError(f"nothing to take back: {pid} is no saved decision of this view's article")
            self.card = {"saved": str(pid), "empty": f"Saved: {said}. Take it back to decide it again."}
            return ""
        if action == "take_back":
            said = c.take_back(str(pid))
            self.card = self._card(str(pid) if pid in c.proposals.index else self._next_pid())
            return said
        if action == "undo":
            return c.undo()
        if action == "save":
            return c.save()
        raise ValueError(f"unknown action {action!r}")

    def _select(self, start: int, end: int) -> str:
        """Selected words as a proposal under review: their bounds as read, the sentence; accept adds them."""
        c = self.curation
        c._selection(start, end)  # refuses in one line a selection outside the text or over a decided one
        words = c.text[start:end]
        trimmed = start + len(words) - len(words.lstrip()), end - len(words) + len(words.rstrip())
        row = {"proposal_id": "selection", "kind": "figure", "number_text": c.text[trimmed[0]:trimmed[1]],
               "number_start": str(trimmed[0]), "number_end": str(trimmed[1]), "unit": "(to be described)",
               "measure": "(to be described)", "period_text": "", "attributed_to": "", "reason": "", "quote": ""}
        row.update(reading_cells(row["number_text"], lambda v: _bound_text(float(v))))
        self.selection = row
        self.card = self._card_of(row, "A figure the draft missed (your selection)")
        return "check the fields, then Accept (or Edit… to give bounds the grammar cannot read)"

    # -- what the browser shows ----------------------------------------------------------------------------
    def _next_pid(self, forward: bool = True) -> str:
        """The first proposal after the one under review (``forward``) or the last before it, wrapping round; "" when
        none is left."""
        starts = {pid: int(r["number_start"]) for pid, r in self.curation.proposals.iterrows()}
        pending = sorted(starts, key=lambda p: starts[p])
        if not pending:
            return ""
        at = int(self.card.get("start", -1)) if self.card.get("pid", "") else -1
        if forward:
            return next((p for p in pending if starts[p] > at), pending[0])
        before = [p for p in pending if starts[p] < at]
        return before[-1] if before else pending[-1]

    def _card(self, pid: str) -> dict[str, Any]:
        """The card of one pending proposal ({} with a note when there is none)."""
        proposals = self.curation.proposals
        if not pid or pid not in proposals.index:
            left = "" if len(proposals) else "Every proposal of this article is decided. "
            return {"empty": left + "Select words in the article to add a figure the draft missed; Save when done."}
        row = {k: str(v) for k, v in self.curation._rows[pid].items()}
        kind = "Proposed figure" if row["kind"] == "figure" else "Proposed as not a figure"
        return self._card_of(row, kind)

    def _card_of(self, row: dict[str, str], heading: str) -> dict[str, Any]:
        """What the card shows of a proposal-like row, and the values its form starts from."""
        bounds = bounds_of_row(row)
        text = self.curation.text
        start = int(row["number_start"])
        from ..figures.draft import sentences

        sentence = next(((a, b) for a, b in sentences(text) if a <= start < b), (start, int(row["number_end"])))
        if row["kind"] == "non-figure":
            read = f"not a figure: {row['reason']}"
        else:
            read = _in_words(bounds) if bounds is not None else f"{row['reason'] or 'unread'}: give the bounds in Edit…"
        credit = row.get("attributed_to") or ""
        return {"pid": row["proposal_id"], "heading": heading, "words": row["number_text"], "start": start,
                "bounds_words": read, "unit": row.get("unit", ""), "measure": row.get("measure", ""),
                "credit": "—" if row["kind"] == "non-figure" else (
                    f"{credit} (the publisher: the article's own words; check it)" if credit and
                    credit == self.curation.publisher else
                    f"{credit} (a candidate the draft found; check it)" if credit else
                    f"{NOT_CHECKED}: accepting as it is records “{NO_SOURCE_FOUND}”; name the source in "
                    "Edit… if the article gives one"),
                "credit_value": credit, "period": row.get("period_text", ""),
                "change": row.get("change") or "", "change_words": _change_words(row),
                "sentence": text[sentence[0]:sentence[1]],
                "lower": _bound_text(float(bounds.lower)) if bounds else "",
                "upper": _bound_text(float(bounds.upper)) if bounds else "",
                "lower_open": bool(bounds.lower_open) if bounds else False,
                "upper_open": bool(bounds.upper_open) if bounds else False}

    def _refresh(self, first: bool = False) -> None:
        """Marks, progress and the card after any change (the card moves on when its proposal was decided)."""
        c = self.curation
        marks = []
        for pid, r in c.proposals.iterrows():
            bounds = r["bounds"]
            moved = {"up": ", a rise", "down": ", a fall"}.get(r["change"], "")
            title = (f"{pid}: {_in_words(bounds)}{moved} (proposed, not yet curated)" if r["kind"] == "figure" and
                     bounds else f"{pid}: {r['reason'] or 'proposed'} (proposed, not yet curated)")
            marks.append({"pid": pid, "start": int(r["number_start"]), "end": int(r["number_end"]), "decided": False,
                          "title": title})
        saved = {(a, b): i for a, b, i, _ in c.saved_decisions()}
        for start, end, said in c.decided_spans():
            again = "" if said.endswith("(not saved yet)") else saved.get((start, end), "")
            marks.append({"pid": again, "start": start, "end": end, "decided": True,
                          "title": said + ("; click to take it back" if again else "")})
        self.marks = sorted(marks, key=lambda m: (m["start"], -m["end"]))
        self.progress = c.progress()
        current = self.card.get("pid", "")
        if (current == "selection" and self.selection is not None) or self.card.get("saved"):
            return
        if first or current not in c.proposals.index:
            self.card = self._card(self._next_pid() if not first else next(iter(c.proposals.index), ""))


def _change_words(row: dict[str, str]) -> str:
    """What a proposal's change says on the card: a fall or a rise (the size of it, not a level), or a level."""
    if row.get("kind") == "non-figure":
        return "—"
    return {"up": "up: a rise (the number is its size, not a level)",
            "down": "down: a fall (the number is its size, not a level)"}.get(row.get("change") or "",
                                                                               "none: a level")


def _in_words(bounds: Bounds | None) -> str:
    """Bounds in words and notation: "more than 15,000, (15,000, ∞)"."""
    if bounds is None:
        return "unread"
    return f"{bounds.describe()}, {bounds.notation()} ({bounds.bound.replace('_', ' ') if bounds.bound else ''})"


def _changes(raw: dict[str, Any]) -> dict[str, Any]:
    """The form's changes as curation takes them: empty texts dropped, bounds as numbers, a blank credit none."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = value.strip()
            if key in ("lower", "upper"):
                if not value:
                    raise ValueError(f"{key}: give a number (or inf), not nothing")
                try:
                    value = float(value.replace(",", ""))
                except ValueError:
                    raise ValueError(f"{key}: {value!r} is not a number (write 15000, 0.5 or inf)") from None
            elif not value and key not in ("override_reason", "change"):  # an empty change: a level
                continue
        out[key] = value
    return out


def curation_of(article: str) -> Curation:
    """One article's curation; an article never drafted is drafted first (its proposals are the library's own file,
    data/proposed/)."""
    from ..figures.curation import curation, drafted
    from ..figures.draft import draft_article

    if not drafted(article):
        draft_article(article)
    return curation(article)


def curate(article: str) -> CurationView:
    """The curation view of one article (notebook 05)."""
    return CurationView(curation_of(article))


class ArticleUpload(widgets.VBox):
    """A new article brought as a .txt file, with its title, publisher, date and URL (notebook 05, beside pasting):
    added with the checks of `kzfigures add`, drafted, and opened in ``view``; a refusal is one line under the form.
    Built on ipywidgets' FileUpload, which a plain JupyterLab shows as it is."""

    def __init__(self, view: CurationView, **kwargs: Any) -> None:
        self.view = view
        wide, fits = widgets.Layout(width="min(100%, 40em)"), widgets.Layout(width="auto", align_self="flex-start")
        self.file = widgets.FileUpload(accept=".txt,text/plain", multiple=False, description="Choose a .txt file",
                                       layout=fits)
        self.title = widgets.Text(description="title", placeholder="the headline, as published", layout=wide)
        self.publisher = widgets.Text(description="publisher", placeholder="who published it", layout=wide)
        self.published = widgets.Text(description="published", placeholder="YYYY, YYYY-MM or YYYY-MM-DD", layout=wide)
        self.url = widgets.Text(description="URL", placeholder="http… (or leave empty)", layout=wide)
        self.add = widgets.Button(description="Add, draft and curate", button_style="primary", layout=fits)
        self.message = widgets.HTML("")
        self.add.on_click(self._add)
        heading = widgets.HTML("<strong>Or bring a new article as a file</strong>: a plain text (.txt, UTF-8) file of "
                               "its words, with its title, publisher and date.")
        super().__init__([heading, self.file, self.title, self.publisher, self.published, self.url, self.add,
                          self.message], **kwargs)
        self.add_class("kz-upload")

    def _add(self, _button: Any = None) -> None:
        """Add the chosen file and open it in the view; say what happened, or why not, in one line."""
        from ..figures.curation import add_uploaded

        try:
            if not self.file.value:
                raise ValueError("choose a .txt file first (the button above the title)")
            self.view.ensure_saved("adding another article")
            upload = self.file.value[0]
            article, said = add_uploaded(bytes(upload["content"]), str(upload["name"]), self.title.value,
                                         self.publisher.value, self.published.value, self.url.value)
            said += "; " + self.view.open_article(article)
        except ValueError as err:
            self.say(str(err), error=True)
        else:
            self.say(said)

    def say(self, line: str, error: bool = False) -> None:
        """One line under the form (data text as text)."""
        import html

        colour = "#A0001F" if error else "#111"
        self.message.value = f'<span class="kz-upload-message" style="color:{colour}">{html.escape(line)}</span>'

