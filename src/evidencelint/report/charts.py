"""The audit's charts as inline SVG: horizontal bars whose labels are never clipped.

The SVG is as wide as its longest label needs (labels wrap over up to three lines), so
it scales down on a phone as a whole instead of cutting text off. Colours come from the
Okabe-Ito palette, which stays distinct with the common colour blindnesses, and what
must survive greyscale printing (errors, overdue, new, not re-checked) is also hatched; every bar
says its value in words.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from evidencelint.escape import html as escape

CHAR_WIDTH = 7.6
"""A generous average width of one character of the charts' 13px font, in SVG units
(DejaVu Sans, the usual Linux fallback, averages about 7 on prose; the browser test
measures that no label leaves its SVG)."""
LINE = 16
LABEL_CHARS = 26
BAR_AREA = 150

COLOURS = {
    "error": "#D55E00",
    "warning": "#E69F00",
    "info": "#0072B2",
    "overdue": "#D55E00",
    "due": "#0072B2",
    "bar": "#56606B",
    "new": "#D55E00",
    "resolved": "#009E73",
    "unchecked": "#8C8C8C",
    "none": "#BDBDBD",
}
HATCHED = frozenset({"overdue", "unchecked", "error", "new"})

PATTERNS = "".join(
    f'<pattern id="hatch-{key}" width="6" height="6" patternUnits="userSpaceOnUse" '
    f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{COLOURS[key]}"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
    for key in sorted(HATCHED)
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    colour: str
    shown: str
    """The value in words, written after the bar."""


def wrap_label(label: str) -> list[str]:
    lines = textwrap.wrap(" ".join(label.split()), LABEL_CHARS, break_long_words=True) or [""]
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][: LABEL_CHARS - 1] + "…"]
    return lines


def bar_chart(bars: Sequence[Bar], title: str) -> str:
    wrapped = [wrap_label(bar.label) for bar in bars]
    label_w = max(len(line) for lines in wrapped for line in lines) * CHAR_WIDTH + 12
    value_w = max(len(bar.shown) for bar in bars) * CHAR_WIDTH + 12
    width = round(label_w + BAR_AREA + value_w)
    top = max(max(bar.value for bar in bars), 1)
    parts, y = [], 4
    for bar, lines in zip(bars, wrapped, strict=True):
        height = LINE * len(lines) + 8
        text = "".join(
            f'<tspan x="4" y="{y + 16 + i * LINE}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        length = BAR_AREA * bar.value / top
        fill = f"url(#hatch-{bar.colour})" if bar.colour in HATCHED else COLOURS[bar.colour]
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.shown)}</title>"
            f'<text class="label">{text}</text>'
            f'<rect x="{label_w:.0f}" y="{y + 4}" width="{length:.1f}" height="{LINE}" '
            f'fill="{fill}" stroke="{COLOURS[bar.colour]}"/>'
            f'<text class="value" x="{label_w + length + 6:.1f}" y="{y + 16}">'
            f"{escape(bar.shown)}</text></g>"
        )
        y += height
    return (
        f'<svg viewBox="0 0 {width} {y + 4}" style="max-width:{width}px" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<defs>{PATTERNS}</defs>{''.join(parts)}</svg>"
    )


def distinct_titles(pages: Sequence[tuple[str, str]], limit: int = 2 * LABEL_CHARS) -> list[str]:
    """(title, page id) -> labels short enough for a chart, cut at the start they share
    with another title (pages called "Acupuncture for ..." keep what follows) or else at
    the end, and told apart by their ids when two come out the same."""
    titles = [" ".join(title.split()) for title, _ in pages]
    shown = []
    for i, title in enumerate(titles):
        if len(title) > limit:
            shared = max(
                (_shared_words(title, other) for j, other in enumerate(titles) if j != i),
                default=0,
            )
            if shared:
                title = "…" + title[shared:].lstrip()
            if len(title) > limit:
                title = title[: limit - 1].rstrip() + "…"
        shown.append(title)
    repeated = {t for t in shown if shown.count(t) > 1}
    return [
        f"{t} ({page_id})" if t in repeated else t
        for t, (_, page_id) in zip(shown, pages, strict=True)
    ]


def _shared_words(a: str, b: str) -> int:
    """Length of the whole words `a` starts with that `b` starts with too."""
    shared = 0
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            break
        if x == " ":
            shared = i
    return shared
