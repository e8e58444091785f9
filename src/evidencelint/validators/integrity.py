"""retracted, withdrawn, expression-of-concern, corrected, superseded: is the work current?

The rules are documented here; they read the registry record's notices (`updated-by`,
`update-to`, `relation`) and arrive with the Crossref client.
"""

from __future__ import annotations

from evidencelint.findings import Severity
from evidencelint.rule import Rule

RETRACTED = Rule(
    code="EL501",
    name="retracted",
    severity=Severity.ERROR,
    summary="the cited work has been retracted",
    why="A retracted work is no longer evidence: its data or conclusions were found "
    "unreliable. A health claim resting on it misleads readers.",
    example="doi: 10.1016/S0140-6736(97)11096-0   # retracted in 2010",
    fix="Remove the citation; find current evidence for the claim or withdraw the claim.",
)
WITHDRAWN = Rule(
    code="EL502",
    name="withdrawn",
    severity=Severity.ERROR,
    summary="the cited work has been withdrawn",
    why="Withdrawn works (including withdrawn Cochrane reviews) are no longer endorsed by "
    "their authors or publisher.",
    example="a Cochrane review withdrawn because it is out of date",
    fix="Cite the work that replaced it, or other current evidence.",
)
EXPRESSION_OF_CONCERN = Rule(
    code="EL503",
    name="expression-of-concern",
    severity=Severity.WARNING,
    summary="an expression of concern was published about the cited work",
    why="The publisher warns readers that the work's reliability is in doubt; a retraction "
    "often follows.",
    example="a trial whose data integrity is under investigation",
    fix="Read the notice; prefer other evidence for the claim.",
)
CORRECTED = Rule(
    code="EL504",
    name="corrected",
    severity=Severity.INFO,
    summary="a correction or erratum was published about the cited work",
    why="Corrections can change numbers a claim quotes.",
    example="an erratum correcting a table of results",
    fix="Read the correction and check the claim still holds as written.",
)
SUPERSEDED = Rule(
    code="EL505",
    name="superseded",
    severity=Severity.WARNING,
    summary="a newer version of the cited work exists",
    why="A newer version of a review (Cochrane .pub3 after .pub2) may reach other "
    "conclusions; the page cites outdated evidence.",
    example="doi: 10.1002/14651858.CD001218.pub2   # .pub3 exists",
    fix="Read the newer version, update the claim if needed, and cite it.",
)
RULES = (RETRACTED, WITHDRAWN, EXPRESSION_OF_CONCERN, CORRECTED, SUPERSEDED)
