"""The XSS corpus in Chromium: hostile workshop texts, viewpoint names, kind labels, display
names, notes and cluster titles render as plain text on the phone, the projector, the console
and the report page, and nothing in them ever runs.

One workshop on one live server carries the whole corpus (tests/support/xss_corpus.py): every
string is a note, and the strings that fit are spread over the other fields. The pages load
once and follow the session live through cluster, vote and results. Every page hooks
``alert``/``confirm``/``prompt`` and the ``__xss`` marker the payloads call, and fails on any
page error, console error or CSP violation (tests/browser/conftest.py).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import CONSOLE, PHONE, WALL
from tests.support.processes import LiveServer
from tests.support.xss_corpus import CORPUS, LIMITS, PLAN, expected, fields, fitting
from workshop.client import WorkshopClient, new_note_id
from workshop.realtime import names

# Recorded instead of run: the dialogs, and the marker every payload calls.
HOOKS = """
window.__xssCalls = [];
const record = (name) => (...args) => {
  window.__xssCalls.push(name + "(" + args.join(",") + ")");
};
window.__xss = record("__xss");
window.alert = record("alert");
window.confirm = record("confirm");
window.prompt = record("prompt");
"""

# Every text the page shows (element and text-node contents, trimmed; not <script> data), and
# what injected markup would have left in the DOM.
SCAN = r"""() => {
  // Between two documents (a form's redirect) there is no body yet: nothing shown, look again.
  if (!document.body) {
    return {texts: [], injected: [], broken: [], calls: window.__xssCalls || [], title: ""};
  }
  const hidden = "script, style, template, noscript";
  const texts = new Set();
  const shown = (el) => !el.closest(hidden) && el.checkVisibility({visibilityProperty: true});
  for (const el of document.body.querySelectorAll("*")) {
    if (shown(el)) texts.add(el.textContent.trim());
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (shown(node.parentElement)) texts.add(node.data.trim());
  }
  const injected = [];
  const urls = ["href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcdoc"];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/\s/g, "").toLowerCase();
      if (attr.name.startsWith("on") ||
          (urls.includes(attr.name) && /^(javascript:|vbscript:|data:text)/.test(value))) {
        injected.push(el.tagName + " " + attr.name + "=" + attr.value);
      }
    }
  }
  const foreign = "iframe, object, embed, math, video, source, link:not([rel]), body body, " +
    "script:not([src]):not([type='application/json']), body style, svg script, svg animate, " +
    "img[src='x'], input[autofocus], foreignObject";
  for (const el of document.querySelectorAll(foreign)) injected.push("<" + el.tagName + ">");
  // Half an astral character (a lone surrogate) shows as "\uFFFD": text cut in the wrong place.
  const broken = [...texts].filter((text) => !text.isWellFormed());
  return {texts: [...texts], injected, broken, calls: window.__xssCalls, title: document.title};
}"""


@dataclass
class Room:
    """The workshop, its links, the facilitator's and the phones' protocol clients."""

    server: LiveServer
    info: dict[str, Any]
    facilitator: WorkshopClient
    phones: list[WorkshopClient] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Field → the texts it holds, as the app shows them.
    shown: dict[str, list[str]] = field(default_factory=dict)
    note_ids: list[str] = field(default_factory=list)
    cluster_ids: list[str] = field(default_factory=list)

    def command(self, name: str, **payload: Any) -> dict[str, Any]:
        ack = self.facilitator.send(name, payload)
        assert ack.get("ok"), (name, ack)
        return ack

    def keep(self, kind: str, raw: str, *, multiline: bool = False) -> None:
        self.shown.setdefault(kind, []).append(expected(raw, multiline=multiline))

    def everything(self) -> set[str]:
        return {text for texts in self.shown.values() for text in texts}

    def page(
        self,
        browser: Browser,
        options: dict[str, Any],
        url: str | None = None,
        *,
        status: int = 200,
    ) -> Page:
        context = browser.new_context(**options)
        context.add_init_script(script=HOOKS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        # A page expected to answer 404 logs its own status as a console error; nothing else may.
        quiet = f"status of {status}" if status != 200 else "\0"
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"console {message.text}")
                if message.type == "error" and quiet not in message.text
                else None
            ),
        )
        page.on("dialog", lambda dialog: (self.problems.append(dialog.message), dialog.dismiss()))
        if url:
            page.goto(url)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        for phone in self.phones:
            phone.close()
        self.facilitator.close()


def scan(page: Page) -> dict[str, Any]:
    """What the page shows, after a check that nothing ran and nothing was injected."""
    found: dict[str, Any] = page.evaluate(SCAN)
    assert found["calls"] == [], f"{page.url}: script ran: {found['calls']}"
    assert found["injected"] == [], f"{page.url}: markup got through: {found['injected']}"
    assert found["broken"] == [], f"{page.url}: characters cut in half: {found['broken']}"
    return found


def wait_shows(page: Page, wanted: list[str], where: str, timeout: float = 10.0) -> None:
    """Each wanted string becomes the whole text of a visible element or text node."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            texts = set(scan(page)["texts"])
        except PlaywrightError as error:
            # The page was still on its way to the next document (a form's redirect).
            if "context was destroyed" not in str(error) or time.monotonic() > deadline:
                raise
            page.wait_for_timeout(250)
            continue
        missing = [text for text in wanted if text not in texts]
        if not missing or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    assert not missing, f"{where}: not shown verbatim: {missing}"


def assert_only(page: Page, selector: str, allowed: set[str], where: str) -> int:
    """Every element matching ``selector`` shows exactly one of the allowed strings."""
    shown = [text.strip() for text in page.locator(selector).all_text_contents()]
    wrong = [text for text in shown if text not in allowed]
    assert not wrong, f"{where} {selector}: text changed on the way: {wrong}"
    return len(shown)


def _login(server: LiveServer, email: str) -> str:
    link = server.cli("facilitator", "link", email)
    assert link.returncode == 0, link.stderr
    return link.stdout.strip()


EMAIL = "xss@denktank.local"
KINDS = ("risk", "consequence")
CLUSTER_SIZE = 3


@pytest.fixture
def room(live_server: LiveServer, tmp_path: Path) -> Iterator[Room]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    created = live_server.cli("new", str(plan), "--facilitator", EMAIL, "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    boss = WorkshopClient.facilitator(live_server.url, _login(live_server, EMAIL), int(info["id"]))
    made = Room(live_server, info, boss.connect())
    yield made
    made.close()


def settle(room: Room) -> None:
    """Texts, kinds and viewpoints from the corpus (in the lobby, where all are editable)."""
    chosen = fields()
    viewpoints = [
        {"id": vp["id"], "name": name, "question": question, "colour": vp["colour"]}
        for vp, name, question in zip(
            room.facilitator.snapshot["viewpoints"],
            chosen.viewpoints,
            chosen.questions,
            strict=True,
        )
    ]
    kinds = [{"key": key, "label": label} for key, label in zip(KINDS, chosen.kinds, strict=True)]
    changes = {"title": chosen.title, "theme": chosen.theme, "intro": chosen.intro}
    room.command(names.WORKSHOP_UPDATE, **changes, kinds=kinds, viewpoints=viewpoints)
    room.keep("title", chosen.title)
    room.keep("theme", chosen.theme)
    room.keep("intro", chosen.intro, multiline=True)
    for name in chosen.viewpoints:
        room.keep("viewpoint", name)
    for question in chosen.questions:
        room.keep("question", question, multiline=True)
    for label in chosen.kinds:
        room.keep("kind", label)


def join_phones(room: Room) -> None:
    """Phones join through the join form with corpus names, one viewpoint after another."""
    slugs = [vp["slug"] for vp in room.facilitator.snapshot["viewpoints"]]
    for index, name in enumerate(fields().names):
        phone = WorkshopClient.join(
            room.server.url, room.info["join_code"], name=name, viewpoint=slugs[index % len(slugs)]
        )
        room.phones.append(phone.connect())
        room.keep("name", name)


def post_notes(room: Room) -> None:
    """Every corpus string as a note (line breaks kept), and one at the notes' length limit."""
    for index, body in enumerate(fields().notes):
        note_id = new_note_id()
        kind = KINDS[index % 2]
        phone = room.phones[index % len(room.phones)]
        ack = phone.send(names.NOTE_ADD, {"note_id": note_id, "kind": kind, "text": body})
        assert ack.get("ok"), (body, ack)
        room.note_ids.append(note_id)
        room.keep("note", body, multiline=True)


def make_clusters(room: Room, size: int = CLUSTER_SIZE) -> None:
    """Clusters with corpus titles (and one at the title limit), three notes each."""
    for index, title in enumerate(fields().clusters):
        cluster_id = str(uuid.uuid4())
        members = room.note_ids[index * size : (index + 1) * size]
        room.command(names.CLUSTER_CREATE, cluster_id=cluster_id, title=title, note_ids=members)
        room.cluster_ids.append(cluster_id)
        room.keep("cluster", title)


def vote_and_rate(room: Room) -> None:
    """Each phone puts a dot on one cluster and rates it, so every results view has items."""
    for index, phone in enumerate(room.phones):
        target = room.cluster_ids[index % len(room.cluster_ids)]
        item = {"target_type": "cluster", "target_id": target}
        assert phone.send(names.VOTE_ADD, item).get("ok")
        rating = {**item, "likelihood": 1 + index % 5, "impact": 5 - index % 5}
        assert phone.send(names.RISK_SCORE, rating).get("ok")


# Each results view of the wall, and where it shows cluster titles and notes.
VIEW_TITLES = {
    "ranking": ".rs-title",
    "matrix": ".rs-mitem__title",
    "viewpoints": ".rs-vpitem__title",
    "raised_by": ".rs-ritem__title",
}
RESULT_TITLES = ", ".join(VIEW_TITLES.values())


@pytest.mark.timeout(180)
def test_hostile_text_shows_verbatim_and_never_runs(browser: Browser, room: Room) -> None:
    settle(room)
    join_phones(room)
    shown = room.shown
    title = shown["title"]

    # A phone joins through the form, typing a hostile name; the join page lists the viewpoints.
    phone = room.page(browser, PHONE, room.info["join_url"])
    # The hooks record what they would have run (so an empty record means something).
    phone.evaluate("() => { alert('probe'); __xss('probe'); }")
    assert phone.evaluate("window.__xssCalls.splice(0)") == ["alert(probe)", "__xss(probe)"]
    wait_shows(phone, title + shown["theme"] + shown["viewpoint"] + shown["question"], "join")
    me = next(text for text in fitting(LIMITS["name"]) if "onerror" in text)
    phone.get_by_label("Your name (optional)").fill(me)
    phone.locator(".vp-choice").first.click()
    room.keep("name", me)
    wait_shows(phone, [expected(me)], "phone lobby")
    phone.get_by_text("About this workshop").click()
    wait_shows(phone, shown["intro"], "phone intro")

    wall = room.page(browser, WALL, room.info["projector_url"])
    wait_shows(wall, title + shown["theme"] + shown["viewpoint"], "wall lobby")
    console = room.page(browser, CONSOLE, _login(room.server, EMAIL))
    console.goto(f"{room.server.url}/console/workshops/{room.info['id']}")
    wait_shows(console, title + shown["name"] + shown["viewpoint"], "console lobby")
    for page in (phone, wall, console):  # the title breaks out of nothing, also in <title>
        assert scan(page)["title"].startswith(title[0] + " · "), page.url

    # Brainstorm: every corpus string is a note; the real phone types one more.
    room.command(names.PHASE_SET, phase="brainstorm")
    post_notes(room)
    typed = next(item.text for item in CORPUS if item.text.startswith('"><script>'))
    box = phone.get_by_label("Your note")
    box.fill(typed)
    box.press("Enter")
    room.keep("note", typed)
    notes = shown["note"]
    expect(console.locator("li.note")).to_have_count(len(notes))
    own_group = [text for index, text in enumerate(notes[:-1]) if index % 4 == 0] + [typed]
    wait_shows(wall, notes + shown["kind"], "wall brainstorm")
    wait_shows(phone, own_group + shown["viewpoint"][:1] + shown["kind"], "phone brainstorm")
    wait_shows(console, notes + shown["kind"] + shown["question"], "console brainstorm")
    assert_only(console, ".note__text", set(notes), "console")
    assert_only(wall, ".pj-note__text", set(notes), "wall")

    # Cluster: hostile cluster titles on the wall, the phone and the console's cluster board.
    room.command(names.PHASE_SET, phase="cluster")
    make_clusters(room)
    clusters = shown["cluster"]
    expect(wall.locator(".pj-cluster")).to_have_count(len(clusters))
    wait_shows(wall, clusters + notes, "wall clusters")
    wait_shows(phone, clusters, "phone clusters")
    console.locator("#view-clusters").click()
    wait_shows(console, clusters + notes, "console clusters")
    assert_only(wall, ".pj-cluster__title", set(clusters), "wall")
    # "Raised by {names}": a name with "$&" in it stays itself (no String.replace patterns).
    vps = shown["viewpoint"]
    raised = [
        "Raised by " + ", ".join(vps[v] for v in sorted({n % 4 for n in range(i * 3, i * 3 + 3)}))
        for i in range(len(clusters))
    ]
    labels = wall.locator(".pj-cluster__vps").evaluate_all("els => els.map(e => e.ariaLabel)")
    assert sorted(labels) == sorted(raised)

    # Vote: the ballot lists the clusters and the notes left loose.
    room.command(names.PHASE_SET, phase="vote")
    loose = notes[len(clusters) * CLUSTER_SIZE :]
    wait_shows(phone, clusters + loose, "phone ballot")
    wait_shows(console, clusters + loose, "console voting")
    vote_and_rate(room)

    # Results, revealed on the wall in each of its views, and on the phone.
    room.command(names.PHASE_SET, phase="results")
    allowed = set(clusters) | set(notes)
    for view, titles in VIEW_TITLES.items():
        room.command(names.RESULTS_REVEAL, revealed=True, view=view)
        expect(wall.locator(titles).first).to_be_visible()
        assert assert_only(wall, titles, allowed, f"wall {view}") > 0
        assert_only(wall, RESULT_TITLES, allowed, f"wall {view}")
        scan(wall)
    expect(phone.locator(".vres__title").first).to_be_visible()
    assert assert_only(phone, ".vres__title", allowed, "phone results") == len(clusters + loose)
    wait_shows(console, clusters, "console results")

    # The report with names: every field, every string.
    console.goto(f"{room.server.url}/console/workshops/{room.info['id']}/report?names=1")
    wait_shows(console, sorted(room.everything()), "report")
    assert title[0] in scan(console)["title"]
    console.goto(room.server.url + "/console/")
    wait_shows(console, title, "console index")
    console.goto(f"{room.server.url}/console/workshops/{room.info['id']}/delete")
    expect(console.locator("h1")).to_have_text(f"Delete “{title[0]}”")
    scan(console)

    # A hostile join code in the address comes back as text on the "no such workshop" page.
    stranger = room.page(browser, PHONE, status=404)
    stranger.goto(room.server.url + "/j/%3Cimg%20src%3Dx%20onerror%3D__xss(0)%3E")
    assert "<img src=x onerror=__xss(0)>" in " ".join(scan(stranger)["texts"])
    for page in (phone, wall):
        scan(page)
    assert not room.problems, room.problems
