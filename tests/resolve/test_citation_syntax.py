"""Unit tests of the inline citation reader and of author-name folding."""

from __future__ import annotations

import pytest

from evidencelint.resolve.authors import family_name, fold
from evidencelint.resolve.citation_syntax import AuthorYear, find_citations, parse_author_year

# --- find_citations: author-year ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[Linde 2016]",
        "[Linde et al. 2016]",
        "[Linde et al., 2016]",
        "[Linde et al 2016]",
        "[Linde & Allais 2016]",
        "[Linde and Allais 2016]",
    ],
)
def test_author_year_forms_give_family_and_year(text: str) -> None:
    (citation,) = find_citations(text)
    assert citation.family == "Linde"
    assert citation.year == 2016
    assert citation.suffix == ""
    assert citation.key is None
    assert citation.offset == 1


def test_author_year_keeps_text_as_written() -> None:
    (citation,) = find_citations("Fewer headaches [Linde et al. 2016].")
    assert citation.text == "Linde et al. 2016"
    assert citation.offset == len("Fewer headaches [")


def test_year_suffix_is_read() -> None:
    (citation,) = find_citations("[Linde 2016a]")
    assert (citation.family, citation.year, citation.suffix) == ("Linde", 2016, "a")


def test_several_citations_in_one_bracket_have_their_own_offsets() -> None:
    text = "Fewer migraine days [Linde 2016; Vickers 2018]."
    first, second = find_citations(text)
    assert (first.family, first.year) == ("Linde", 2016)
    assert (second.family, second.year) == ("Vickers", 2018)
    assert first.offset == text.index("Linde")
    assert second.offset == text.index("Vickers")
    assert text[first.offset : first.offset + len(first.text)] == "Linde 2016"
    assert text[second.offset : second.offset + len(second.text)] == "Vickers 2018"


def test_citations_in_separate_brackets_are_all_found() -> None:
    text = "A [Linde 2016], and B [Vickers 2018]."
    citations = find_citations(text)
    assert [c.family for c in citations] == ["Linde", "Vickers"]
    assert [c.offset for c in citations] == [text.index("Linde"), text.index("Vickers")]


def test_locator_after_the_year_is_allowed() -> None:
    (citation,) = find_citations("[Pánek 2019, p. 4]")
    assert citation.family == "Pánek"
    assert citation.year == 2019
    assert citation.family_key == "panek"


def test_multi_word_family_name_is_kept_whole() -> None:
    (citation,) = find_citations("[Dalla Serra 2020]")
    assert citation.family == "Dalla Serra"


def test_organisation_as_author() -> None:
    (citation,) = find_citations("[National Cancer Institute 2023]")
    assert citation.family == "National Cancer Institute"
    assert citation.year == 2023


def test_family_name_with_lower_case_particle_is_a_citation() -> None:
    (citation,) = find_citations("[van der Berg 2019]")
    assert citation.family == "van der Berg"
    assert citation.year == 2019


# --- find_citations: by key -------------------------------------------------------------


def test_key_citation() -> None:
    (citation,) = find_citations("Fewer days [@linde2016migraine].")
    assert citation.key == "linde2016migraine"
    assert citation.text == "@linde2016migraine"
    assert citation.family is None
    assert citation.year is None
    assert citation.offset == len("Fewer days [")


def test_several_keys_in_one_bracket() -> None:
    first, second = find_citations("[@a; @b]")
    assert (first.key, first.offset) == ("a", 1)
    assert (second.key, second.offset) == ("b", 5)


def test_key_with_locator() -> None:
    (citation,) = find_citations("[@linde2016, p. 4]")
    assert citation.key == "linde2016"


def test_key_and_author_year_mixed_in_one_bracket() -> None:
    key, author_year = find_citations("[@linde2016; Vickers 2018]")
    assert key.key == "linde2016"
    assert (author_year.family, author_year.year) == ("Vickers", 2018)


# --- find_citations: prose brackets -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[list lost]",
        "[see 2016]",
        "[text](https://x)",
        "[Linde 2016](https://example.org/linde)",
        "[1]",
        "[12 weeks]",
        "[]",
        "[ ]",
        "no brackets at all, Linde 2016",
    ],
)
def test_prose_brackets_are_not_citations(text: str) -> None:
    assert find_citations(text) == []


def test_prose_part_of_a_bracket_is_skipped_but_citation_part_kept() -> None:
    (citation,) = find_citations("[list lost; Linde 2016]")
    assert citation.family == "Linde"


# --- parse_author_year ------------------------------------------------------------------


def test_parse_author_year_with_et_al_and_suffix() -> None:
    assert parse_author_year("Linde et al. 2016a") == AuthorYear("Linde", 2016, "a", "Linde")


def test_parse_author_year_drops_second_author() -> None:
    assert parse_author_year("Linde & Allais 2016") == AuthorYear(
        "Linde", 2016, "", "Linde & Allais"
    )


def test_parse_author_year_normalises_whitespace() -> None:
    assert parse_author_year("Linde\n  et al.  2016") == AuthorYear("Linde", 2016, "", "Linde")


@pytest.mark.parametrize("text", ["list lost", "see 2016", "12 weeks", "2016", "@linde2016", ""])
def test_parse_author_year_rejects_prose(text: str) -> None:
    assert parse_author_year(text) is None


# --- family_name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "family"),
    [
        ("Vickers AJ", "Vickers"),
        ("Dalla Serra M", "Dalla Serra"),
        ("Wilt F J", "Wilt"),
        ("Smith, John", "Smith"),
        ("A.J. Vickers", "Vickers"),
        ("AJ Vickers", "Vickers"),
        ("National Cancer Institute", "National Cancer Institute"),
        ("NHS England", "NHS England"),
        ("World Health Organization", "World Health Organization"),
        ("Li X", "Li"),
        ("Wu", "Wu"),
        ("Pánek J", "Pánek"),
        ("  Linde K  ", "Linde"),
    ],
)
def test_family_name(author: str, family: str) -> None:
    assert family_name(author) == family


# --- fold -------------------------------------------------------------------------------


def test_fold_ignores_diacritics() -> None:
    assert fold("Pánek") == fold("Panek") == "panek"


def test_fold_ignores_case() -> None:
    assert fold("LINDE") == fold("linde") == fold("Linde")


def test_fold_handles_letters_without_decomposition() -> None:
    assert fold("Ø") == "o"
    assert fold("Østergaard") == fold("Ostergaard")
    assert fold("Łukasz") == "lukasz"


def test_fold_expands_sharp_s() -> None:
    assert fold("Straße") == fold("Strasse") == "strasse"


def test_fold_drops_punctuation_and_spaces() -> None:
    assert fold("O'Brien") == "obrien"
    assert fold("Dalla Serra") == "dallaserra"
    assert fold("Pánek-Øster") == "panekoster"
