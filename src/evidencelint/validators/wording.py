"""claim-overstated, evidence-grade-missing: does a claim's wording match the certainty
of its evidence? (The lexicon and its scope rules are in evidencelint.content.wording.)"""

from __future__ import annotations

from collections.abc import Iterator

from evidencelint.content.model import Certainty, ReferenceType
from evidencelint.content.wording import Strength, overstated, suggestion
from evidencelint.findings import Finding, Severity
from evidencelint.resolve.resolver import ResolvedClaim, ResolvedPage
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import RuleContext, report

_GRADE_26 = (
    'Santesso et al., "GRADE guidelines 26: informative statements to communicate the '
    'findings of systematic reviews of interventions", J Clin Epidemiol 2020;119:126-135, '
    "doi:10.1016/j.jclinepi.2019.10.014"
)

CLAIM_OVERSTATED = Rule(
    code="EL701",
    name="claim-overstated",
    severity=Severity.WARNING,
    inputs=(Kind.PAGE,),
    summary="a claim's wording asserts more certainty than its `evidence` grade",
    why="Readers take 'acupuncture reduces migraine' as settled. GRADE's guidance on "
    f"informative statements ({_GRADE_26}) and Cochrane's plain-language style tie the "
    'wording to the certainty of the evidence: high "reduces" / "results in", moderate '
    '"likely reduces" / "probably reduces", low "may reduce", very low "it is uncertain '
    'whether ... reduces" / "the evidence is very uncertain". Reported: absolute words '
    '("proven", "cures", "guaranteed", "always", "strong evidence") below high certainty, '
    "an effect stated without a hedge in its own clause on low or very-low evidence, and "
    '"probably", "likely" or "can" on very-low evidence. A claim of no effect is not judged.',
    example="- id: migraine\n  text: Acupuncture reduces migraine frequency [Linde 2016].\n"
    "  evidence: low",
    fix='Reword the claim as GRADE recommends for its grade ("Acupuncture may reduce '
    'migraine frequency"), with the hedge in the same clause as the effect; or, if the '
    "evidence is in fact more certain, correct `evidence`.",
)
EVIDENCE_GRADE_MISSING = Rule(
    code="EL702",
    name="evidence-grade-missing",
    severity=Severity.INFO,
    inputs=(Kind.PAGE,),
    severity_note="off unless `evidence_grade_statuses` names page statuses",
    summary="a claim citing a systematic review or guideline has no `evidence` grade",
    why="Systematic reviews and guidelines state the certainty of their evidence (GRADE). "
    "Without it on the claim, nobody can tell whether the wording is justified, and "
    "claim-overstated cannot check it.",
    example="- id: depression\n  text: Acupuncture may reduce depression [Smith 2018].\n"
    "  # Smith 2018 (Cochrane) rates the evidence low to very low; no `evidence:`",
    fix="Copy the review's or guideline's certainty for this outcome into `evidence: "
    "high | moderate | low | very-low` (when it gives a range, the grade that fits the "
    "claim's outcome).",
)
RULES = (CLAIM_OVERSTATED, EVIDENCE_GRADE_MISSING)

_STRENGTH_WORDS = {
    Strength.ABSOLUTE: "absolute wording",
    Strength.UNHEDGED: "an effect stated without a hedge",
    Strength.PROBABLE: "a probable effect",
    Strength.POSSIBLE: "a possible effect",
}
_GRADED_TYPES = frozenset({ReferenceType.SYSTEMATIC_REVIEW, ReferenceType.GUIDELINE})


def check_page(page: ResolvedPage, ctx: RuleContext) -> Iterator[Finding]:
    status = page.doc.page.status.value
    for claim in page.claims:
        grade = claim.claim.evidence
        if grade is not None:
            yield from _overstated(page, claim, grade)
        elif status in ctx.policy.evidence_grade_statuses:
            yield from _grade_missing(page, claim)


def _overstated(page: ResolvedPage, claim: ResolvedClaim, grade: Certainty) -> Iterator[Finding]:
    wording = overstated(claim.claim.text, grade)
    if wording is None:
        return
    doc = page.doc
    advice = suggestion(grade, wording)
    words = " ".join(wording.words.split())  # the claim's own line breaks stay out
    yield report(
        CLAIM_OVERSTATED,
        doc.path,
        doc.source.value((*claim.path, "text")),
        f"claim '{claim.claim.id}' says \"{words}\" ({_STRENGTH_WORDS[wording.strength]}) "
        f"but its evidence is {grade.value} certainty; GRADE's wording for {grade.value} "
        f"certainty is {advice}",
        page=doc.page.id,
        claim=claim.claim.id,
        field="text",
        expected=advice,
        actual=words,
    )


def _grade_missing(page: ResolvedPage, claim: ResolvedClaim) -> Iterator[Finding]:
    graded = [
        e.key for e in claim.cited if e.reference is not None and e.reference.type in _GRADED_TYPES
    ]
    if not graded:
        return
    doc = page.doc
    yield report(
        EVIDENCE_GRADE_MISSING,
        doc.path,
        doc.source.value((*claim.path, "id")),
        f"claim '{claim.claim.id}' cites {', '.join(graded)} (a systematic review or "
        "guideline) but has no `evidence` grade; copy the certainty it states for this outcome",
        page=doc.page.id,
        claim=claim.claim.id,
        field="evidence",
    )
