"""Folding of author names for comparison: diacritics, case and punctuation ignored."""

from __future__ import annotations

import functools
import unicodedata

_EXTRA_FOLDS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "2nd", "3rd"})
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρτυχ", "ABEZHIKMNOPTYXoikvptux", strict=True)),
        **dict(zip("АВЕЅІЈКМНОРСТХУаеѕіјорсхуԛԝ", "ABESIJKMHOPCTXYaesijopcxyqw", strict=True)),
    }
)
"""Greek and Cyrillic letters that look like Latin ones: a Greek Kappa in a deposited 'Κita'
is a typing accident, not another person. Applied only to text that has Latin letters."""
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """'Pánek-Øster' -> 'panekoster': for matching names, never for display."""
    if any("a" <= c <= "z" for c in text.lower()):
        text = text.translate(_CONFUSABLES)
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in without_marks.casefold() if c.isalnum())


@functools.lru_cache(maxsize=1 << 16)
def folds(text: str) -> frozenset[str]:
    """The folded forms of a name: 'Müller' is 'muller' and, transliterated, 'mueller'."""
    return frozenset({fold(text), fold(unicodedata.normalize("NFC", text).translate(_GERMAN))})


def without_suffix(name: str) -> str:
    """'Smith Jr.' -> 'Smith'; 'Smith, Jr' -> 'Smith'; a lone 'Jr' is left alone."""
    tokens = name.replace(",", " ").split()
    while len(tokens) > 1 and tokens[-1].rstrip(".").lower() in _SUFFIXES:
        tokens.pop()
    return " ".join(tokens) if len(tokens) < len(name.replace(",", " ").split()) else name


def is_initials(token: str) -> bool:
    """'AJ', 'A.J.', 'J-P', 'F', 'MWC' are initials; 'Li', 'Wu', 'Institute' are names."""
    letters = token.replace(".", "").replace("-", "")
    return bool(letters) and letters.isupper() and letters.isalpha() and len(letters) <= 4


def _leading_initials(token: str) -> bool:
    return is_initials(token) and ("." in token or len(token.replace("-", "")) <= 2)


@functools.lru_cache(maxsize=1 << 16)
def family_name(author: str) -> str:
    """The family name of an author as cited: 'Dalla Serra M' -> 'Dalla Serra'.

    Handles 'Family Initials' (Vancouver), 'Family, Given' and 'Initials Family'; an
    organisation ('National Cancer Institute') is returned whole.
    """
    text = author.strip()
    if "," in text:
        return text.split(",", 1)[0].strip()
    tokens = text.split()
    while len(tokens) > 1 and tokens[-1].rstrip(".").lower() in _SUFFIXES:
        tokens.pop()  # 'Smith SC Jr'
    if len(tokens) > 1 and is_initials(tokens[-1]):
        while len(tokens) > 1 and is_initials(tokens[-1]):
            tokens.pop()
    else:
        # 'A.J. Vickers', 'AJ Vickers'; but 'NHS England' is an organisation.
        while len(tokens) > 1 and _leading_initials(tokens[0]):
            tokens.pop(0)
    return " ".join(tokens)


def is_et_al(author: str) -> bool:
    return fold(author) in {"etal", "etalii"}
