"""How certain a claim's wording sounds: a small lexicon of effect words, hedges and
absolutes, with negation and clause scope.

GRADE's guidance on informative statements (Santesso et al., "GRADE guidelines 26",
J Clin Epidemiol 2020;119:126-135, doi:10.1016/j.jclinepi.2019.10.014) pairs each
certainty of evidence with a wording: high "reduces / results in", moderate "likely /
probably reduces", low "may reduce", very low "it is uncertain whether ... / the
evidence is very uncertain". This module reads the other way: from the words, the
certainty a reader hears.

Strength of a claim (`Strength`), from the words in each clause:

- ABSOLUTE: "proven", "guaranteed", "cures", "miracle", "conclusive", "definitely",
  "well established", "strong/solid/clear evidence"; "always", "completely",
  "permanently", "100%" when the clause states an effect.
- UNHEDGED: an effect word ("reduces", "improves", "relieves", "is effective",
  "results in", "has been shown to ...") with no hedge before it in its clause.
- PROBABLE: hedged with "probably", "likely", "can", "is likely to", "moderate-certainty".
- POSSIBLE: hedged with "may", "might", "could", "possible", "possibly", "appears to", "seems to",
  "suggests", "some/limited evidence", "low-certainty".
- UNCERTAIN: "uncertain", "unclear", "not known", "no (good) evidence", "insufficient
  evidence", or no effect stated at all.

Scope: a hedge counts only for effect words after it in the same clause; clauses are cut
at sentence ends, semicolons, colons and at "but", "however", "although", "though",
"whereas", "while", "yet", and non-restrictive ", which ..." / ", who ..." asides are
clauses of their own. Negation ("not", "n't", "no", "never", "cannot", "fail(ed) to"
up to four words before, not across "and"; "no trial has shown", "not proven" anywhere
before it in the clause; "little or no difference" after; but not "compared with no
treatment") takes the effect word out: a claim of no effect is not judged. Inline
citations ("[Linde 2016]", "(Smith 2018)") are removed first. "can" is read as PROBABLE,
not POSSIBLE: health pages use it for "is able to", which GRADE would write "probably" at
best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from evidencelint.content.model import Certainty


class Strength(IntEnum):
    UNCERTAIN = 0
    POSSIBLE = 1
    PROBABLE = 2
    UNHEDGED = 3
    ABSOLUTE = 4


ALLOWED: dict[Certainty, Strength] = {
    Certainty.HIGH: Strength.ABSOLUTE,
    Certainty.MODERATE: Strength.UNHEDGED,
    Certainty.LOW: Strength.PROBABLE,
    Certainty.VERY_LOW: Strength.POSSIBLE,
}
"""The strongest wording each grade supports without a warning. Stricter than GRADE on
purpose only where the issue of a false alarm is small: "may" on very-low evidence and an
unhedged verb on moderate evidence are left alone."""

GRADE_WORDING: dict[Certainty, str] = {
    Certainty.HIGH: '"{s}" / "results in"',
    Certainty.MODERATE: '"likely {s}" / "probably {s}"',
    Certainty.LOW: '"may {b}"',
    Certainty.VERY_LOW: '"it is uncertain whether ... {s}" / "the evidence is very uncertain"',
}

# Effect words: (pattern, base form, third person). Past and -ing forms count too.
_EFFECT_VERBS: tuple[tuple[str, str], ...] = tuple(
    (base, third)
    for base, third in (
        ("reduce", "reduces"),
        ("cure", "cures"),
        ("improve", "improves"),
        ("relieve", "relieves"),
        ("ease", "eases"),
        ("alleviate", "alleviates"),
        ("prevent", "prevents"),
        ("treat", "treats"),
        ("heal", "heals"),
        ("boost", "boosts"),
        ("enhance", "enhances"),
        ("restore", "restores"),
        ("eliminate", "eliminates"),
        ("decrease", "decreases"),
        ("increase", "increases"),
        ("lessen", "lessens"),
        ("shorten", "shortens"),
        ("strengthen", "strengthens"),
        ("protect", "protects"),
        ("help", "helps"),
        ("lower", "lowers"),
        ("cut", "cuts"),
        ("halve", "halves"),
        ("stop", "stops"),
        ("stimulate", "stimulates"),
        ("speed up", "speeds up"),
    )
)
_IRREGULAR = {"cut": "cut|cuts|cutting", "stop": "stop|stops|stopped|stopping"}


def _forms(base: str, third: str) -> str:
    if base in _IRREGULAR:
        return _IRREGULAR[base]
    if " " in base:
        verb, particle = base.split(" ", 1)
        return rf"(?:{verb}|{verb}s|{verb}ed|{verb}ing)\s+{particle}"
    stem = base[:-1] if base.endswith("e") else base
    past = f"{stem}ed" if base.endswith("e") else f"{base}ed"
    return "|".join(dict.fromkeys((base, third, past, f"{stem}ing")))


_EFFECT_WORDS: tuple[tuple[str, str, str], ...] = (
    *((rf"(?:{_forms(b, t)})\b", b, t) for b, t in _EFFECT_VERBS),
    (r"(?:result|results|resulted|resulting)\s+in\b", "result in", "results in"),
    (r"(?:lead|leads|led|leading)\s+to\b", "lead to", "leads to"),
    (r"(?:works?|worked)\b", "work", "works"),
    (r"(?:effective|efficacious)\b", "be effective", "is effective"),
    (r"beneficial\b", "be beneficial", "is beneficial"),
    (r"superior\s+to\b", "be superior to", "is superior to"),
)
"""(pattern after a word boundary, base form, third person) of each effect word."""


def _from_initials(pattern: str, flags: re.RegexFlag) -> re.Pattern[str]:
    """`pattern`, words after a word boundary, with a look-ahead for their first letters
    (every letter that begins a run of letters in it: a few too many, never too few).
    The engine then skips to the places where a word can start instead of trying every
    alternative at every character, which halves the time of a search."""
    initials = "".join(sorted({word[0] for word in re.findall("[a-z]+", pattern)}))
    return re.compile(f"(?=[{initials}]){pattern}", flags)


_EFFECTS = _from_initials(r"\b(?:" + "|".join(f"({p})" for p, _, _ in _EFFECT_WORDS) + ")", re.I)
"""All effect words in one pattern, group n for entry n: one pass over a clause, not one
per entry (a third of the time). No two entries match at one place (their first words
differ, and no second word is a first word), so it finds what the entries would one by
one."""
_EFFECT_FORMS = [(base, third) for _, base, third in _EFFECT_WORDS]
# "lower" and "help" double as adjective/noun ("lower back pain", "seek help").
_NOT_VERB_AFTER = {"lower": re.compile(r"^\s+(?:back|leg|legs|limb|limbs|body|abdomen|risk)\b")}
_NOUN_OR_ADJECTIVE = frozenset({"help", "lower", "increase", "decrease", "cut", "stop", "work"})
_ADJECTIVE_BEFORE = re.compile(r"\b(?:a|an|the|with|of|seek|get|ask\s+for|how)\s*$", re.I)

_ABSOLUTE = _from_initials(
    r"\b(?:proven|proves|prove|proved|guarantee|guarantees|guaranteed|cures?|cured|curing|"
    r"miracle|miraculous|conclusive|conclusively|definitely|definitive|undeniabl[ey]|"
    r"well[- ]established|(?:strong|solid|clear|robust|compelling|definitive|overwhelming)"
    r"\s+evidence)\b",
    re.I,
)
_ABSOLUTE_WITH_EFFECT = re.compile(
    r"\b(?:always|completely|permanently|every\s+time)\b|100\s?%", re.I
)
_BOOSTER = re.compile(r"\b(?:shown|demonstrated|found|confirmed)\s+to\b", re.I)

_HEDGES: tuple[tuple[re.Pattern[str], Strength], ...] = (
    (
        _from_initials(
            r"\b(?:whether|uncertain|uncertainty|unclear|unknown|not\s+(?:yet\s+)?(?:known|clear|sure)|"
            r"(?:do|does|did)\s*(?:not|n't)\s+know|no\s+(?:\w+\s+){0,2}evidence|"
            r"(?:insufficient|inconclusive|not\s+enough|too\s+little|little)\s+evidence|"
            r"very\s+low[- ]certainty|very\s+low[- ]quality)\b",
            re.I,
        ),
        Strength.UNCERTAIN,
    ),
    (
        _from_initials(
            r"\b(?:may|might|could|possible|possibly|perhaps|potentially|appears?\s+to|appeared\s+to|"
            r"seems?\s+to|seemed\s+to|suggests?|suggested|suggesting|some\s+evidence|"
            r"limited\s+evidence|weak\s+evidence|tentative|low[- ]certainty|low[- ]quality|"
            r"preliminary)\b",
            re.I,
        ),
        Strength.POSSIBLE,
    ),
    (
        _from_initials(
            r"\b(?:probably|likely|unlikely|can|moderate[- ]certainty|moderate[- ]quality)\b",
            re.I,
        ),
        Strength.PROBABLE,
    ),
)
_NEGATOR = re.compile(
    r"\b(?:not|no|never|neither|nor|cannot|none|fail|fails|failed|failing)\b|n't\b", re.I
)
_NO_EFFECT_AFTER = re.compile(
    r"^\W*(?:\w+\s+){0,2}(?:little\s+(?:or|to)\s+no|no)\s+(?:\w+\s+)?(?:difference|effect|benefit|change)",
    re.I,
)
_CITATION = re.compile(
    r"\[[^\[\]]*\](?!\()|\((?:[^()]*\b(?:19|20)\d\d[a-z]?|[^()]*\bet al\.?[^()]*)\)"
)
_CLAUSE_BREAK = re.compile(
    r"[.;:!?](?=\s|$)|\s+[-–—]{1,2}\s+|\.\.\.|…|,?\s+\b(?:but|however|although|though|whereas|"
    r"while|whilst|yet)\b",
    re.I,
)
_ASIDE = re.compile(r",\s+(?:which|who)\b[^,]*,", re.I)
# "Although side effects may occur, acupuncture relieves pain": the subordinate clause
# ends at its comma.
_LEADING_SUBORDINATE = re.compile(
    r"(^|[.;:!?]\s+)(?:although|though|while|whilst|whereas)\b([^,;.]*),", re.I
)


@dataclass(frozen=True, slots=True)
class Wording:
    strength: Strength
    words: str
    """The words that carry the strength, as written ("reduces", "proven")."""
    base: str = "reduce"
    third: str = "reduces"


def assess(text: str) -> Wording:
    """The strongest wording in the claim, over its clauses."""
    best = Wording(Strength.UNCERTAIN, "")
    for clause in clauses(text):
        found = _clause_strength(clause)
        if found.strength > best.strength:
            best = found
    return best


def clauses(text: str) -> list[str]:
    text = _CITATION.sub(" ", text)
    text = _LEADING_SUBORDINATE.sub(r"\1\2;", text)
    asides = [m.group(0).strip(", ") for m in _ASIDE.finditer(text)]
    text = _ASIDE.sub(",", text)
    return [part.strip() for part in [*_CLAUSE_BREAK.split(text), *asides] if part.strip()]


def _clause_strength(clause: str) -> Wording:
    effects = _effects(clause)
    best = Wording(Strength.UNCERTAIN, "")
    for start, end, base, third in effects:
        if _negated(clause, start, end):
            continue
        before = clause[:start]
        hedge = _hedge(before)
        strength = hedge if hedge is not None else Strength.UNHEDGED
        if strength > best.strength:
            best = Wording(strength, clause[start:end], base, third)
    for match in _ABSOLUTE.finditer(clause):
        if _negated(clause, match.start(), match.end()):
            continue
        word = match.group(0).lower()
        if word.startswith(("cure", "curing")) and _hedge(clause[: match.start()]) is not None:
            continue  # "may cure": the hedge already speaks for the effect word
        return Wording(Strength.ABSOLUTE, match.group(0), "reduce", "reduces")
    if effects:
        for match in _ABSOLUTE_WITH_EFFECT.finditer(clause):
            if not _negated(clause, match.start(), match.end()):
                return Wording(Strength.ABSOLUTE, match.group(0), best.base, best.third)
    return best


def _effects(clause: str) -> list[tuple[int, int, str, str]]:
    found: list[tuple[int, int, str, str]] = []
    for match in _EFFECTS.finditer(clause):
        base, third = _EFFECT_FORMS[(match.lastindex or 1) - 1]
        word = match.group(0).lower()
        after = clause[match.end() :]
        if clause[: match.start()].endswith("-"):
            continue  # "pain-relieving": part of an adjective, not a verb
        guard = _NOT_VERB_AFTER.get(base)
        if guard is not None and word == base and guard.match(after):
            continue
        ambiguous = word in _NOUN_OR_ADJECTIVE or word.endswith("ed")
        if ambiguous and _ADJECTIVE_BEFORE.search(clause[: match.start()]):
            continue
        found.append((match.start(), match.end(), base, third))
    for match in _BOOSTER.finditer(clause):
        found.append((match.start(), match.end(), "reduce", "reduces"))
    return sorted(found)


def _hedge(before: str) -> Strength | None:
    weakest: Strength | None = None
    for pattern, strength in _HEDGES:
        if pattern.search(before) and (weakest is None or strength < weakest):
            weakest = strength
    return weakest


def _negated(clause: str, start: int, end: int) -> bool:
    before = clause[:start]
    if _NEGATED_REPORT.search(before):
        return True  # "No trial has shown that acupuncture prevents colds"
    window = _COMPARATOR.sub(" ", before.split(" and ")[-1])
    # One search over the last four words, joined: no negator spans two words.
    if _NEGATOR.search(" ".join(_WORD.findall(window)[-4:])):
        return True
    return bool(_NO_EFFECT_AFTER.match(clause[end:]))


_NEGATED_REPORT = _from_initials(
    r"\b(?:no|not|never|neither|nor)\s+(?:\w+\s+){0,3}?(?:shown|found|proven|demonstrated|"
    r"confirmed|established|evidence|proof|stud(?:y|ies)|trials?|research|reviews?)\b",
    re.I,
)
_WORD = re.compile(r"[\w']+")
_COMPARATOR = re.compile(r"\b(?:with|versus|vs\.?|than|to)\s+no\b", re.I)
"""'compared with no treatment': a comparison, not a negation."""


def overstated(text: str, grade: Certainty) -> Wording | None:
    """The wording, when it asserts more than `grade` supports."""
    wording = assess(text)
    return wording if wording.strength > ALLOWED[grade] else None


def suggestion(grade: Certainty, wording: Wording) -> str:
    return GRADE_WORDING[grade].format(s=wording.third, b=wording.base)
