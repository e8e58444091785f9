"""The audit's chart labels: page titles told apart, long labels wrapped, never cut."""

from __future__ import annotations

from evidencelint.report.charts import Bar, bar_chart, distinct_titles, wrap_label


def test_titles_that_share_their_start_keep_the_end_that_differs() -> None:
    shared = "Acupuncture for the relief of long-lasting pain in adults: "
    titles = [(shared + "a review of the knee", "knee"), (shared + "the lower back", "back")]
    shown = distinct_titles(titles, limit=40)
    assert shown == ["…a review of the knee", "…the lower back"]
    assert distinct_titles([("Acupuncture", "a"), ("Acupuncture", "b"), ("Other", "c")]) == [
        "Acupuncture (a)",
        "Acupuncture (b)",
        "Other",
    ]


def test_a_title_shared_by_none_is_cut_at_its_end() -> None:
    (shown,) = distinct_titles([("word " * 30, "p")], limit=20)
    assert shown.endswith("…") and len(shown) <= 20


def test_a_long_label_wraps_and_the_chart_is_as_wide_as_its_longest_line() -> None:
    label = "What You Need to Know About Acupuncture and Chronic Pain Before You Book"
    assert [len(line) <= 26 for line in wrap_label(label)] == [True, True, True]
    narrow = bar_chart([Bar("a", 1, "bar", "1")], "t")
    wide = bar_chart([Bar(label, 1, "bar", "1")], "t")
    assert _width(wide) > _width(narrow) + 20 * 7
    assert "<tspan" in wide and wide.count("<tspan") == len(wrap_label(label))


def _width(svg: str) -> int:
    return int(svg.split('viewBox="0 0 ', 1)[1].split()[0])
