"""Hostile text for the XSS tests: what a curious participant might type into a note, a name or
a title, and what must still show (or export) as plain, verbatim text everywhere.

Payloads that would run script call ``__xss(n)`` (or ``alert``); the browser test hooks both and
fails if either is ever called. ``expected()`` is the text as the app stores and shows it: its
documented normalisation (``workshop.text.clean``: NFC, no control, zero-width or bidi-override
characters, collapsed white space) is the only change allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.text import clean


@dataclass(frozen=True)
class Hostile:
    """One hostile string and what it tries."""

    text: str
    tries: str


# Longest text each field accepts (workshop/editing.py, participants.py, clusters.py, notes.py).
LIMITS: dict[str, int] = {
    "title": 200,
    "theme": 200,
    "intro": 5000,
    "viewpoint": 80,
    "question": 500,
    "kind": 40,
    "name": 60,
    "cluster": 120,
    "note": 280,  # the demo plan's notes.max_length
}

REPLACE_PATTERNS = "$& $' $` $1 $$"
ASTRAL = "🔥💥 𝕏𝕊𝕊 👩‍👩‍👧‍👦 🏳️‍🌈"

CORPUS: tuple[Hostile, ...] = (
    # --- script tags -----------------------------------------------------------------------
    Hostile("<script>__xss(1)</script>", "a plain script tag"),
    Hostile("<ScRiPt>__xss(2)</sCrIpT>", "mixed case past a naive filter"),
    Hostile("<scr<script>ipt>__xss(3)</scr</script>ipt>", "a tag that reassembles once stripped"),
    Hostile("<script src=data:text/javascript,__xss(4)></script>", "script from a data: URL"),
    Hostile("</script><script>__xss(5)</script>", "breaking out of a JSON <script> block"),
    Hostile("<!--<script>--><script>__xss(6)</script>", "a comment that hides the real tag"),
    Hostile("<script>\n__xss(7)\n</script>", "a script split over lines (notes keep line breaks)"),
    # --- event handlers --------------------------------------------------------------------
    Hostile("<img src=x onerror=__xss(8)>", "an image whose error handler runs"),
    Hostile('<img src="x" onerror="alert(1)">', "the classic alert"),
    Hostile("<svg onload=__xss(10)>", "an SVG load handler"),
    Hostile("<body onload=__xss(11)>", "a second body"),
    Hostile("<input autofocus onfocus=__xss(12)>", "a handler that fires without a click"),
    Hostile("<details open ontoggle=__xss(13)>", "a handler that fires on insertion"),
    Hostile('<iframe src="javascript:__xss(14)"></iframe>', "a frame with a script URL"),
    Hostile("<video><source onerror=__xss(15)></video>", "a media error handler"),
    # --- SVG and MathML --------------------------------------------------------------------
    Hostile("<svg><script>__xss(16)</script></svg>", "script inside SVG"),
    Hostile(
        '<svg><a xlink:href="javascript:__xss(17)"><text y="20">klik</text></a></svg>',
        "an SVG link with a script URL",
    ),
    Hostile("<svg><animate onbegin=__xss(18) attributeName=x dur=1s>", "SVG animation event"),
    Hostile(
        "<math><mtext><table><mglyph><style><img src=x onerror=__xss(19)>",
        "MathML namespace confusion (mutation XSS)",
    ),
    Hostile('<math href="javascript:__xss(20)">klik</math>', "a MathML link"),
    # --- javascript: and data: URLs --------------------------------------------------------
    Hostile("javascript:__xss(21)", "a bare script URL"),
    Hostile("JaVaScRiPt:alert(1)", "a script URL in mixed case"),
    Hostile("[klik hier](javascript:__xss(23))", "a Markdown link to a script URL"),
    Hostile("![plaatje](javascript:__xss(24))", "a Markdown image"),
    Hostile('<a href="javascript:__xss(25)">link</a>', "an HTML link to a script URL"),
    Hostile(
        "data:text/html;base64,PHNjcmlwdD5fX3hzcygyNik8L3NjcmlwdD4=",
        "a base64 data: URL with a script",
    ),
    Hostile("[x](data:text/html,<script>__xss(27)</script>)", "a Markdown link to a data: URL"),
    Hostile("<https://evil.example/>", "a Markdown autolink"),
    Hostile('[ref]: https://evil.example/ "titel"', "a Markdown link reference definition"),
    # --- attribute breakouts ---------------------------------------------------------------
    Hostile('"><script>__xss(30)</script>', "closing a double-quoted attribute"),
    Hostile("' onmouseover='__xss(31)", "adding a handler to a single-quoted attribute"),
    Hostile('" autofocus onfocus="__xss(32)', "adding a handler that fires on its own"),
    Hostile("'\"></title><script>__xss(33)</script>", "closing <title>"),
    Hostile("</textarea><script>__xss(34)</script>", "closing a <textarea>"),
    Hostile("`onmouseover=__xss(35)`", "backtick-quoted attributes (old IE)"),
    # --- template and interpolation strings ------------------------------------------------
    Hostile("{{7*7}}", "Jinja/Angular expressions"),
    Hostile("${__xss(37)}", "JavaScript template literals"),
    Hostile("{{constructor.constructor('__xss(38)')()}}", "an Angular sandbox escape"),
    Hostile("<%= 7*7 %> #{7*7} {% raw %}", "ERB, Ruby and Jinja statements"),
    Hostile("%(name)s {names} {count} %s {0}", "the app's own placeholders"),
    Hostile(REPLACE_PATTERNS, "JavaScript String.replace patterns"),
    # --- broken markup ---------------------------------------------------------------------
    Hostile("<b>vet zonder einde", "an unclosed tag"),
    Hostile("<!-- commentaar zonder einde", "an unclosed comment"),
    Hostile("<![CDATA[<script>__xss(44)</script>]]>", "CDATA"),
    Hostile("<<script>__xss(45)//<</script>", "doubled angle brackets"),
    Hostile("</div></li></ul></section></main>", "closing the page's own elements"),
    Hostile("<a href=x", "an unclosed attribute"),
    Hostile("<p <p <p>>> >< />", "angle bracket soup"),
    # --- CSS -------------------------------------------------------------------------------
    Hostile("<style>body{display:none}</style>", "a style block hiding the page"),
    Hostile('<div style="width:expression(__xss(50))">x</div>', "IE's CSS expression()"),
    Hostile("<link rel=stylesheet href=javascript:__xss(51)>", "a stylesheet from a script URL"),
    Hostile("@import url(javascript:__xss(52));", "CSS @import"),
    # --- entities and encodings ------------------------------------------------------------
    Hostile("&lt;script&gt;__xss(53)&lt;/script&gt;", "entities that must stay entities"),
    Hostile("&amp;lt;b&amp;gt; &#60;i&#62; &#x3C;u&#x3E;", "double and numeric encoding"),
    Hostile("%3Cscript%3E__xss(55)%3C%2Fscript%3E", "URL encoding"),
    Hostile("\\u003cscript\\u003e__xss(56)\\u003c/script\\u003e", "JSON escapes as text"),
    Hostile("&nbsp;&copy; & &amp", "bare and named entities"),
    # --- Unicode ---------------------------------------------------------------------------
    Hostile("gnp.\u202eexe.factuur", "an RTL override that reverses the file name"),
    Hostile("ja\u200bva\u200dscript:alert(\ufeff1)", "zero-width characters in a script URL"),
    Hostile("Z\u0334\u0327\u0347a\u0337l\u0336g\u0338o\u0335 cafe\u0301", "combining characters"),
    Hostile(ASTRAL, "emoji and the astral plane"),
    Hostile("שלום <b>עולם</b> مرحبا \u2067بالعالم\u2069", "right-to-left scripts and isolates"),
    Hostile("kolom\tkolom\r\nregel", "tab and CR/LF, kept only in multi-line fields"),
    # --- null-ish values -------------------------------------------------------------------
    Hostile("null", "null"),
    Hostile("undefined", "undefined"),
    Hostile("__proto__", "the prototype of a plain object"),
    Hostile("constructor", "an Object property"),
    Hostile("NaN", "a number that is not"),
    Hostile("[object Object]", "a stringified object"),
    Hostile("0", "zero, falsy in JavaScript"),
    # --- spreadsheet formulas --------------------------------------------------------------
    Hostile('=HYPERLINK("http://evil.example","klik")', "an Excel formula link"),
    Hostile("+cmd|' /C calc'!A0", "DDE through a plus sign"),
    Hostile("@SUM(1+1)*cmd|' /C calc'!A0", "DDE through an at sign"),
    Hostile("-2+3+cmd|' /C calc'!A0", "DDE through a minus sign"),
    Hostile("=1+1", "a plain formula"),
    # --- Markdown structure ----------------------------------------------------------------
    Hostile("# kop", "a Markdown heading"),
    Hostile("> citaat", "a Markdown quote"),
    Hostile("- lijst", "a Markdown list item"),
    Hostile("1) genummerd", "an ordered list item"),
    Hostile("**vet** _schuin_ ~~weg~~ `code`", "Markdown emphasis and code"),
    Hostile("| a | b |", "a Markdown table row"),
    Hostile("regel\n===", "a setext heading over two lines"),
    Hostile("regel\n---\n* ster", "a thematic break and a star list"),
    # --- Word ------------------------------------------------------------------------------
    Hostile('{ HYPERLINK "http://evil.example" }', "a Word field code as text"),
    Hostile('{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" }', "Word DDE"),
    Hostile('<w:fldSimple w:instr="HYPERLINK http://evil.example"/>', "raw WordprocessingML"),
    Hostile("]]></w:t></w:r><w:r><w:t>", "breaking out of the document's XML"),
    # --- other ------------------------------------------------------------------------------
    Hostile("'; DROP TABLE note; --", "SQL injection"),
)

# The long strings, cut to a field's limit: astral characters count as one character each.
LONG_PATTERN = "𝔇𝔢𝔫𝔨🔥ﷺ<é>ß" + "\u0627\u0644" + "ç"


def long_unicode(limit: int) -> str:
    """A string of exactly ``limit`` characters (after cleaning), mostly outside ASCII."""
    text = (LONG_PATTERN * (limit // len(LONG_PATTERN) + 1))[:limit]
    assert len(clean(text)) == limit
    return text


def expected(value: str, *, multiline: bool = False) -> str:
    """The text as the app stores and shows it."""
    return clean(value, multiline=multiline)


def fitting(limit: int, *, multiline: bool = False) -> list[str]:
    """The corpus strings that fit a field of at most ``limit`` characters (and are not empty)."""
    return [
        item.text
        for item in CORPUS
        if (multiline or not any(c in item.text for c in "\t\r\n"))
        and 0 < len(expected(item.text, multiline=multiline)) <= limit
    ]


# A plan with four viewpoints, names asked, notes visible at once, dots and risk ratings.
PLAN = """\
title: XSS
language: en
anonymous: false
viewpoints:
  - name: One
    question: First?
  - name: Two
    question: Second?
  - name: Three
    question: Third?
  - name: Four
    question: Fourth?
notes:
  hidden_until_share: false
clustering:
  scope: plenary
voting:
  mode: both
  dots_per_participant: 5
  max_dots_per_item: 3
"""


def spread(texts: list[str], count: int, offset: int) -> list[str]:
    """``count`` strings picked evenly from ``texts``, starting at ``offset``."""
    step = max(1, len(texts) // count)
    return [texts[(offset + i * step) % len(texts)] for i in range(count)]


@dataclass(frozen=True)
class Fields:
    """Which hostile strings go into which field of the one test workshop (raw, uncleaned)."""

    title: str
    theme: str
    intro: str
    viewpoints: list[str]
    questions: list[str]
    kinds: list[str]
    names: list[str]
    notes: list[str]
    clusters: list[str]


def fields(people: int = 12, clusters: int = 12) -> Fields:
    """Every corpus string is a note; a handful of those that fit go into every other field,
    and each field with many values also gets one string at its length limit."""
    return Fields(
        title=next(item.text for item in CORPUS if "</title>" in item.text),
        theme=long_unicode(LIMITS["theme"]),
        intro="\n".join(spread(fitting(LIMITS["name"]), 6, 3)),
        # Badges shorten "Name (remark)" to "Name" on purpose: such names are left to notes.
        # The "$&" one goes into the wall's "Raised by {names}" label.
        viewpoints=[
            REPLACE_PATTERNS,
            *spread([t for t in fitting(LIMITS["viewpoint"]) if not t.endswith(")")], 3, 1),
        ],
        questions=spread(fitting(LIMITS["question"], multiline=True), 4, 2),
        kinds=spread(fitting(LIMITS["kind"]), 2, 5),
        # Initials of an astral name must not cut a character in half.
        names=[
            *spread(fitting(LIMITS["name"]), people - 2, 0),
            ASTRAL,
            long_unicode(LIMITS["name"]),
        ],
        notes=[item.text for item in CORPUS] + [long_unicode(LIMITS["note"])],
        clusters=[
            *spread(fitting(LIMITS["cluster"]), clusters - 1, 7),
            long_unicode(LIMITS["cluster"]),
        ],
    )
