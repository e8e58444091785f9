"""citation-missing, citation-unresolved, citation-ambiguous through a whole check run.

Every page below starts with the same four lines, so `claims:` is line 5, the first
claim's `- id:` line 6 and its `text:` line 7 (the text value at column 11).
"""

from __future__ import annotations

import pytest

from evidencelint.findings import Finding, Severity
from tests.helpers import Tree, names, one, only

HEAD = """\
id: page
title: Acupuncture
status: published
last_reviewed: 2026-01-10
"""

LINDE = """\
  linde2016migraine:
    type: report
    authors: [Linde K, Allais G]
    title: Acupuncture for the prevention of episodic migraine
    year: 2016
"""

VICKERS = """\
  vickers2022:
    type: report
    authors: [Vickers AJ, Vertosick EA]
    title: Acupuncture for chronic pain
    year: 2022
"""

CITATION_RULES = ("citation-missing", "citation-unresolved", "citation-ambiguous")


def page(claims: str, references: str = LINDE + VICKERS) -> str:
    return HEAD + "claims:\n" + claims + ("references:\n" + references if references else "")


def citation_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.name in CITATION_RULES]


# --- resolving: what must stay silent ---------------------------------------------------


@pytest.mark.parametrize(
    "citation",
    [
        "[Linde 2016]",
        "[Linde et al. 2016]",
        "[Linde et al., 2016]",
        "[LINDE 2016]",
        "[linde 2016; Vickers 2022]",
        "[Linde 2016, p. 4]",
        "[@linde2016migraine]",
        "[@linde2016migraine; @vickers2022]",
        "[@linde2016migraine; Vickers 2022]",
    ],
)
def test_resolving_citations_are_silent(tree: Tree, citation: str) -> None:
    tree.write(
        "content/p.yaml",
        page(
            f"""\
  - id: c1
    text: Fewer migraine days {citation}.
  - id: c2
    text: Less pain [Vickers 2022].
"""
        ),
    )
    assert citation_findings(tree.check().findings) == []


def test_diacritics_are_ignored_when_resolving(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Panek 2019].
  - id: c2
    text: Fewer migraine days [Pánek 2019].
""",
            """\
  panek2019:
    type: report
    authors: [Pánek J]
    title: Acupuncture
    year: 2019
""",
        ),
    )
    assert citation_findings(tree.check().findings) == []


def test_diacritics_in_the_citation_resolve_a_plain_reference(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Líndé 2016].
""",
            LINDE,
        ),
    )
    assert citation_findings(tree.check().findings) == []


def test_cites_key_resolves(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days.
    cites: [linde2016migraine, vickers2022]
"""
        ),
    )
    assert citation_findings(tree.check().findings) == []


def test_first_author_only_is_used(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Allais 2016].
""",
            LINDE,
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert "Allais" in finding.message


# --- citation-missing -------------------------------------------------------------------


def test_claim_without_citation_is_missing(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Acupuncture is generally safe.
""",
            "",
        ),
    )
    finding = one(tree.check().findings, "citation-missing")
    assert finding.severity is Severity.ERROR
    assert (finding.line, finding.column) == (7, 11)
    assert finding.claim == "c1"
    assert finding.page == "page"
    assert "c1" in finding.message
    assert "cites no source" in finding.message


def test_prose_brackets_only_is_missing_not_unresolved(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Patients [list lost] took [12 weeks] of [see 2016] sessions [1].
""",
            "",
        ),
    )
    findings = tree.check().findings
    assert names(citation_findings(findings)) == ["citation-missing"]
    assert findings[0].claim == "c1"


def test_markdown_link_is_not_a_citation(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: See [the NHS page](https://www.nhs.uk/acupuncture).
""",
            "",
        ),
    )
    assert names(citation_findings(tree.check().findings)) == ["citation-missing"]


def test_only_the_uncited_claim_is_missing(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Linde 2016].
  - id: c2
    text: Acupuncture is generally safe.
  - id: c3
    text: Less pain.
    cites: [vickers2022]
"""
        ),
    )
    finding = one(tree.check().findings, "citation-missing")
    assert finding.claim == "c2"
    assert (finding.line, finding.column) == (9, 11)


def test_ignored_citation_missing_is_silent(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Acupuncture uses thin needles.
    ignore:
      - rule: citation-missing
        reason: a description of the procedure, not a health claim
""",
            "",
        ),
    )
    assert tree.check().findings == []


def test_ignoring_citation_missing_does_not_hide_an_unresolved_citation(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Acupuncture uses thin needles [Nobody 2020].
    ignore:
      - rule: citation-missing
        reason: a description of the procedure
""",
            "",
        ),
    )
    assert names(citation_findings(tree.check().findings)) == ["citation-unresolved"]


# --- citation-unresolved ----------------------------------------------------------------


def test_unknown_inline_key_is_unresolved_with_a_hint(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [@linde2016migrane].
  - id: c2
    text: Less pain [Vickers 2022].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert finding.severity is Severity.ERROR
    assert (finding.line, finding.column) == (7, 32)
    assert finding.claim == "c1"
    assert finding.reference == "linde2016migrane"
    assert "'linde2016migrane'" in finding.message
    assert "matches no reference" in finding.message
    assert "did you mean 'linde2016migraine'" in finding.message


def test_unknown_key_far_from_any_key_has_no_hint(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [@zzzz].
  - id: c2
    text: Fewer migraine days [Linde 2016; Vickers 2022].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert "did you mean" not in finding.message


def test_unknown_cites_key_is_unresolved_at_the_key(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Linde 2016].
    cites: [vickers2022, vickers2021]
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    line = "    cites: [vickers2022, vickers2021]"
    assert (finding.line, finding.column) == (8, line.index("vickers2021") + 1)
    assert finding.claim == "c1"
    assert finding.reference == "vickers2021"
    assert "`cites` key 'vickers2021'" in finding.message
    assert "did you mean 'vickers2022'" in finding.message


def test_author_year_without_match_is_unresolved(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Lindé 2017].
  - id: c2
    text: Less pain [Vickers 2022; Linde 2016].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert (finding.line, finding.column) == (7, 32)
    assert finding.claim == "c1"
    assert finding.reference is None
    assert "[Lindé 2017] matches no reference" in finding.message
    assert "2017" in finding.message
    assert "references by Lindé are from 2016 ('linde2016migraine')" in finding.message


def test_unresolved_author_year_without_same_author_has_no_year_hint(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Smith 2016; Linde 2016; Vickers 2022].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert "Smith" in finding.message
    assert "are from" not in finding.message


def test_second_part_of_a_bracket_is_located_at_its_own_column(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Linde 2016; Vickerz 2022].
  - id: c2
    text: Less pain [Vickers 2022].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    line = "    text: Fewer migraine days [Linde 2016; Vickerz 2022]."
    assert (finding.line, finding.column) == (7, line.index("Vickerz") + 1)


def test_citation_in_a_quoted_scalar_is_located_inside_it(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: "Fewer: migraine days [Lindx 2016]."
  - id: c2
    text: Less pain [Vickers 2022; Linde 2016].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    line = '    text: "Fewer: migraine days [Lindx 2016]."'
    assert (finding.line, finding.column) == (7, line.index("Lindx") + 1)


def test_citation_on_second_line_of_folded_text_is_located_there(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: >-
      Acupuncture reduced the frequency of migraine days in adults
      compared with sham treatment [Lindx 2016].
  - id: c2
    text: Less pain [Vickers 2022; Linde 2016].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    line = "      compared with sham treatment [Lindx 2016]."
    assert (finding.line, finding.column) == (9, line.index("Lindx") + 1)


def test_citation_split_across_folded_lines_falls_back_to_the_text_start(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: >-
      Acupuncture reduced the frequency of migraine days in adults [Lindx
      2016] compared with sham treatment.
  - id: c2
    text: Less pain [Vickers 2022; Linde 2016].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    # The `>-` indicator starts the text node.
    assert (finding.line, finding.column) == (7, 11)
    assert finding.claim == "c1"


def test_repeated_unresolved_citation_is_located_at_each_occurrence(tree: Tree) -> None:
    line = "    text: Fewer days [Lindx 2016] and less pain [Lindx 2016]."
    tree.write(
        "content/p.yaml",
        page(
            f"""\
  - id: c1
{line}
  - id: c2
    text: Less pain [Vickers 2022; Linde 2016].
"""
        ),
    )
    findings = only(tree.check().findings, "citation-unresolved")
    first = line.index("Lindx") + 1
    second = line.index("Lindx", first) + 1
    assert sorted(f.column for f in findings) == [first, second]


def test_citation_is_located_at_the_bracket_not_at_prose_with_same_words(tree: Tree) -> None:
    line = "    text: The Lindx 2016 trial found fewer migraine days [Lindx 2016]."
    tree.write(
        "content/p.yaml",
        page(
            f"""\
  - id: c1
{line}
  - id: c2
    text: Less pain [Vickers 2022; Linde 2016].
"""
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert finding.column == line.index("[Lindx") + 2


def test_organisation_ending_in_acronym_resolves(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Most cancers are found in people over 50 [Cancer Research UK 2023].
""",
            """\
  cruk2023:
    type: report
    authors: [Cancer Research UK]
    title: Cancer incidence by age
    year: 2023
""",
        ),
    )
    assert citation_findings(tree.check().findings) == []


def test_organisation_with_and_in_its_name_resolves(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Offer acupuncture for chronic primary pain
      [National Institute for Health and Care Excellence 2021].
""",
            """\
  nice2021:
    type: guideline
    authors: [National Institute for Health and Care Excellence]
    title: Chronic pain (primary and secondary) in over 16s
    year: 2021
""",
        ),
    )
    assert citation_findings(tree.check().findings) == []


def test_family_name_with_particle_resolves(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [van der Berg 2022].
""",
            """\
  vanderberg2022:
    type: report
    authors: [van der Berg J]
    title: Acupuncture for migraine
    year: 2022
""",
        ),
    )
    assert tree.check().findings == []


# --- citation-ambiguous -----------------------------------------------------------------

TWO_LINDES = """\
  linde2016migraine:
    type: report
    authors: [Linde K, Allais G]
    title: Acupuncture for the prevention of episodic migraine
    year: 2016
    {label_a}
  linde2016tension:
    type: report
    authors: [Linde K, et al.]
    title: Acupuncture for the prevention of tension-type headache
    year: 2016
    {label_b}
"""


def test_two_references_with_same_author_and_year_are_ambiguous(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer headache days [Linde 2016].
  - id: c2
    text: Fewer migraine days.
    cites: [linde2016migraine, linde2016tension]
""",
            TWO_LINDES.format(label_a="", label_b=""),
        ),
    )
    finding = one(tree.check().findings, "citation-ambiguous")
    assert finding.severity is Severity.ERROR
    assert (finding.line, finding.column) == (7, 32)
    assert finding.claim == "c1"
    assert "[Linde 2016] matches 2 references" in finding.message
    assert "'linde2016migraine'" in finding.message
    assert "'linde2016tension'" in finding.message
    assert "label" in finding.message


def test_labels_disambiguate(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Linde 2016a].
  - id: c2
    text: Fewer tension headaches [Linde et al. 2016b].
""",
            TWO_LINDES.format(label_a="label: Linde 2016a", label_b="label: Linde 2016b"),
        ),
    )
    findings = tree.check().findings
    assert citation_findings(findings) == []
    assert only(findings, "reference-unused") == []


def test_unlabelled_citation_stays_ambiguous_when_references_are_labelled(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Linde 2016a; Linde 2016b].
  - id: c2
    text: Fewer headaches [Linde 2016].
""",
            TWO_LINDES.format(label_a="label: Linde 2016a", label_b="label: Linde 2016b"),
        ),
    )
    finding = one(tree.check().findings, "citation-ambiguous")
    assert finding.claim == "c2"


def test_unknown_label_suffix_is_unresolved(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [Linde 2016a; Linde 2016b].
  - id: c2
    text: Fewer headaches [Linde 2016c].
""",
            TWO_LINDES.format(label_a="label: Linde 2016a", label_b="label: Linde 2016b"),
        ),
    )
    finding = one(tree.check().findings, "citation-unresolved")
    assert finding.claim == "c2"
    assert "2016c" in finding.message


def test_citing_by_key_is_never_ambiguous(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Fewer migraine days [@linde2016migraine].
  - id: c2
    text: Fewer headaches [@linde2016tension].
""",
            TWO_LINDES.format(label_a="", label_b=""),
        ),
    )
    assert citation_findings(tree.check().findings) == []


# --- shared bibliographies --------------------------------------------------------------

SHARED = """\
references:
  vickers2022shared:
    type: report
    authors: [Vickers AJ]
    title: Acupuncture for chronic pain
    year: 2022
  nccih2024:
    type: report
    authors: [National Cancer Institute]
    title: Acupuncture, effectiveness and safety
    year: 2024
"""


@pytest.mark.parametrize(
    "citation",
    [
        "[Vickers 2022]",
        "[@vickers2022shared]",
        "[National Cancer Institute 2024]",
    ],
)
def test_citation_of_shared_reference_resolves(tree: Tree, citation: str) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write(
        "content/p.yaml",
        page(
            f"""\
  - id: c1
    text: Less chronic pain {citation}.
""",
            "",
        ),
    )
    result = tree.check("content/p.yaml", bibliographies=["content/references.yaml"])
    assert result.findings == []


def test_cites_key_of_shared_reference_resolves(tree: Tree) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Less chronic pain.
    cites: [nccih2024]
""",
            "",
        ),
    )
    result = tree.check(bibliographies=["content/references.yaml"])
    assert result.findings == []


def test_shared_reference_is_unknown_without_the_bibliography(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Less chronic pain [@vickers2022shared].
""",
            "",
        ),
    )
    finding = one(tree.check("content/p.yaml").findings, "citation-unresolved")
    assert "shared bibliographies" in finding.message


def test_local_and_shared_same_author_year_are_ambiguous(tree: Tree) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Less chronic pain [Vickers 2022].
  - id: c2
    text: Less chronic pain.
    cites: [vickers2022]
""",
            VICKERS,
        ),
    )
    result = tree.check("content/p.yaml", bibliographies=["content/references.yaml"])
    finding = one(result.findings, "citation-ambiguous")
    assert "'vickers2022'" in finding.message
    assert "'vickers2022shared'" in finding.message


def test_local_key_clashing_with_shared_key_is_a_schema_finding(tree: Tree) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write(
        "content/p.yaml",
        page(
            """\
  - id: c1
    text: Less chronic pain [@vickers2022shared].
""",
            """\
  vickers2022shared:
    type: report
    authors: [Vickers AJ]
    title: Acupuncture for chronic pain, local copy
    year: 2022
""",
        ),
    )
    result = tree.check("content/p.yaml", bibliographies=["content/references.yaml"])
    finding = one(result.findings, "schema")
    assert finding.severity is Severity.ERROR
    assert finding.path.endswith("p.yaml")
    # The local key: line 9 ("references:" is line 8), indented by two spaces.
    assert (finding.line, finding.column) == (9, 3)
    assert finding.reference == "vickers2022shared"
    assert "references.yaml" in finding.message
    assert "(line 2)" in finding.message
    assert "unique" in finding.message
    assert citation_findings(result.findings) == []
