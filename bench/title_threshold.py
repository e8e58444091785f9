"""How well does `TITLE_THRESHOLD` separate a title written differently from another title?

Scores `matching.title_similarity(cited, registered)` on labelled pairs of real titles:
SAME pairs are one work written two ways (case, JATS tags, punctuation, quotes, dashes,
British and American spelling, a dropped subtitle or leading "The", HTML entities, a
subtitle the registry keeps apart); DIFFERENT pairs are two works on close topics (reviews
of one group, a trial and its follow-up or economic evaluation, versions of a Cochrane
review, companion papers). Titles come from the seed inventory, the recorded Crossref
answers and well-known medical literature.

Prints the lowest SAME score, the highest DIFFERENT score, the gap between them, and the
false alarms (SAME below the threshold) and misses (DIFFERENT at or above it); then the same
figures on held-out pairs the threshold was not fitted to (`tests/realworld/title_pairs.json`:
the real-world corpus' citations against their records, and titles of distinct works one
Crossref search answered with). Exits 1 if the threshold misclassifies any pair. No network.

    python bench/title_threshold.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NamedTuple

from evidencelint.validators.matching import TITLE_THRESHOLD, title_similarity


class Pair(NamedTuple):
    cited: str
    registered: str
    variant: str


VICKERS_2018 = "Acupuncture for Chronic Pain: Update of an Individual Patient Data Meta-Analysis"
VICKERS_2012 = "Acupuncture for Chronic Pain: Individual Patient Data Meta-analysis"
QASEEM = (
    "Noninvasive Treatments for Acute, Subacute, and Chronic Low Back Pain: A Clinical Practice "
    "Guideline From the American College of Physicians"
)
HERSHMAN_2018 = (
    "Effect of Acupuncture vs Sham Acupuncture or Waitlist Control on Joint Pain Related to "
    "Aromatase Inhibitors Among Women With Early-Stage Breast Cancer"
)
HERSHMAN_2022 = (
    "Comparison of Acupuncture vs Sham Acupuncture or Waiting List Control in the Treatment of "
    "Aromatase Inhibitor–Related Joint Pain: A Randomized Clinical Trial"
)
CHOU_NONPHARMACOLOGIC = (
    "Nonpharmacologic Therapies for Low Back Pain: A Systematic Review for an American College "
    "of Physicians Clinical Practice Guideline"
)
CHOU_PHARMACOLOGIC = (
    "Systemic Pharmacologic Therapies for Low Back Pain: A Systematic Review for an American "
    "College of Physicians Clinical Practice Guideline"
)
CONSORT = (
    "CONSORT 2010 Statement: updated guidelines for reporting parallel group randomised trials"
)
CONSORT_EE = (
    "CONSORT 2010 Explanation and Elaboration: updated guidelines for reporting parallel group "
    "randomised trials"
)
PRISMA_2009 = (
    "Preferred Reporting Items for Systematic Reviews and Meta-Analyses: The PRISMA Statement"
)
PRISMA_2020 = "The PRISMA 2020 statement: an updated guideline for reporting systematic reviews"
GRADE_2008 = (
    "GRADE: an emerging consensus on rating quality of evidence and strength of recommendations"
)
JATS_KRAS = (
    "Construction of a reference material panel for detecting\n                    "
    "<i>KRAS</i>\n                    /\n                    <i>NRAS</i>\n                    "
    "/\n                    <i>EGFR</i>\n                    /\n                    "
    "<i>BRAF</i>\n                    /\n                    <i>MET</i>\n                    "
    "mutations in plasma ctDNA"
)

SAME = [
    Pair(
        "Acupuncture for chronic pain: update of an individual patient data meta-analysis",
        VICKERS_2018,
        "sentence case (Health.com)",
    ),
    Pair(
        "Acupuncture for chronic pain - update of an individual patient data meta analysis.",
        VICKERS_2018,
        "dash for colon, hyphen dropped, final stop",
    ),
    Pair(
        "Noninvasive treatments for acute, subacute, and chronic low back pain: a clinical "
        "practice guideline from the American College of Physicians",
        QASEEM,
        "sentence case (Health.com)",
    ),
    Pair(
        "Noninvasive treatments for acute, subacute, and chronic low back pain",
        QASEEM,
        "subtitle dropped",
    ),
    Pair(
        "Anatomical evidence of acupuncture meridians in the human extracellular matrix: results "
        "from a macroscopic and microscopic interdisciplinary multicentre study on human corpses",
        "Anatomical Evidence of Acupuncture Meridians in the Human Extracellular Matrix: Results "
        "from a Macroscopic and Microscopic Interdisciplinary Multicentre Study on Human Corpses",
        "sentence case",
    ),
    Pair(
        "Anatomical evidence of acupuncture meridians in the human extracellular matrix: results "
        "from a macroscopic and microscopic interdisciplinary multicenter study on human corpses",
        "Anatomical Evidence of Acupuncture Meridians in the Human Extracellular Matrix: Results "
        "from a Macroscopic and Microscopic Interdisciplinary Multicentre Study on Human Corpses",
        "multicenter / multicentre",
    ),
    Pair(
        "The efficacy of acupuncture for the treatment of sciatica: a systematic review and "
        "meta-analysis",
        "The Efficacy of Acupuncture for the Treatment of Sciatica: A Systematic Review and "
        "Meta-Analysis",
        "sentence case",
    ),
    Pair(
        "Effect of acupuncture vs sham acupuncture or waitlist control on joint pain related to "
        "aromatase inhibitors among women with early-stage breast cancer: a randomized clinical "
        "trial",
        HERSHMAN_2018,
        "cited subtitle that the record keeps in `subtitle` (JAMA)",
    ),
    Pair(
        "Comparison of acupuncture vs sham acupuncture or waiting list control in the treatment "
        "of aromatase inhibitor-related joint pain: a randomized clinical trial",
        HERSHMAN_2022,
        "hyphen for en dash, sentence case",
    ),
    Pair(
        "Acupuncture and postoperative pain reduction",
        "Acupuncture and Postoperative Pain Reduction",
        "sentence case",
    ),
    Pair(
        "Acupuncture in menopause (AIM) study: a pragmatic, randomized controlled trial",
        "The Acupuncture in Menopause (AIM) study: a pragmatic, randomized controlled trial",
        "leading 'The' dropped",
    ),
    Pair(
        "The Acupuncture in Menopause (AIM) study: a pragmatic, randomised controlled trial",
        "The Acupuncture in Menopause (AIM) study: a pragmatic, randomized controlled trial",
        "randomised / randomized",
    ),
    Pair(
        "Acupuncture for the Prevention of Episodic Migraine",
        "Acupuncture for the prevention of episodic migraine",
        "title case",
    ),
    Pair(
        "Safety of acupuncture: overview of systematic reviews",
        "Safety of Acupuncture: Overview of Systematic Reviews",
        "sentence case",
    ),
    Pair(
        "Acupuncture for allergic rhinitis: a systematic review and meta-analysis",
        "Acupuncture for allergic rhinitis: a systematic review and meta\u2011analysis",
        "non-breaking hyphen",
    ),
    Pair(
        "Integrative medicine for pain management in oncology: Society for Integrative "
        "Oncology-ASCO guideline",
        "Integrative Medicine for Pain Management in Oncology: Society for Integrative "
        "Oncology–ASCO Guideline",
        "en dash, sentence case",
    ),
    Pair(
        "Acupuncture for chronic pain and depression in primary care: a programme of research",
        "Acupuncture for chronic pain and depression in primary care: a program of research",
        "programme / program",
    ),
    Pair(
        "Construction of a reference material panel for detecting KRAS/NRAS/EGFR/BRAF/MET "
        "mutations in plasma ctDNA",
        JATS_KRAS,
        "JATS tags and line breaks",
    ),
    Pair(
        "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson's disease "
        "genetically related mutants",
        "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson&#8217;s "
        "disease genetically related mutants",
        "HTML entity for the apostrophe",
    ),
    Pair(
        "Single-molecule FRET studies on α-synuclein oligomerization of Parkinson's disease "
        "genetically related mutants",
        "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson’s disease "
        "genetically related mutants",
        "α for alpha, straight for curly apostrophe",
    ),
    Pair(
        "Delay in diagnosis of spinal muscular atrophy: a systematic literature review",
        "Delay in Diagnosis of Spinal Muscular Atrophy: A Systematic Literature Review",
        "sentence case",
    ),
    Pair(
        "Using and reporting the Delphi method for selecting healthcare quality indicators: a "
        "systematic review",
        "Using and Reporting the Delphi Method for Selecting Healthcare Quality Indicators: A "
        "Systematic Review",
        "sentence case",
    ),
    Pair(
        "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in "
        "the basal ganglia of mice",
        "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in "
        "the Basal Ganglia of Mice",
        "sentence case",
    ),
    Pair(
        "Human umbilical cord blood-derived mesenchymal stem cells improve neuropathology and "
        "cognitive impairment in an Alzheimer's disease mouse model through modulation of "
        "neuroinflammation",
        "Human umbilical cord blood-derived mesenchymal stem cells improve neuropathology and "
        "cognitive impairment in an Alzheimer&#x2019;s disease mouse model through modulation "
        "of neuroinflammation",
        "hexadecimal HTML entity",
    ),
    Pair(
        "Growth hormone secretagogue increases muscle strength during remobilisation after "
        "canine hindlimb immobilisation",
        "Growth hormone secretagogue increases muscle strength during remobilization after "
        "canine hindlimb immobilization",
        "-isation / -ization",
    ),
    Pair(
        "Substance P receptor expression by inhibitory interneurons of the rat hippocampus",
        "Substance P receptor expression by inhibitory interneurons of the rat hippocampus: "
        "Enhanced detection using improved immunocytochemical methods for the preservation and "
        "colocalization of GABA and other neuronal markers",
        "subtitle dropped",
    ),
    Pair(
        "Charges ride the spin wave",
        "Charges Ride the Spin Wave",
        "title case, short title",
    ),
    Pair(
        "Binding modes of ligands using enhanced sampling (BLUES): rapid decorrelation of ligand "
        "binding modes using nonequilibrium candidate Monte Carlo",
        "Binding Modes of Ligands Using Enhanced Sampling (BLUES): Rapid Decorrelation of Ligand "
        "Binding Modes Using Nonequilibrium Candidate Monte Carlo",
        "sentence case",
    ),
    Pair(
        "Acupuncture for chronic pain: individual patient data meta-analysis",
        VICKERS_2012,
        "sentence case",
    ),
    Pair(
        "Hallmarks of cancer: the next generation",
        "Hallmarks of Cancer: The Next Generation",
        "title case",
    ),
    Pair(
        "Hallmarks of cancer",
        "The Hallmarks of Cancer",
        "leading 'The' dropped, short title",
    ),
    Pair(
        "Preferred reporting items for systematic reviews and meta-analyses: the PRISMA statement",
        PRISMA_2009,
        "sentence case",
    ),
    Pair(
        "PRISMA 2020 statement: an updated guideline for reporting systematic reviews",
        PRISMA_2020,
        "leading 'The' dropped",
    ),
    Pair(
        "CONSORT 2010 statement: updated guidelines for reporting parallel group randomized trials",
        CONSORT,
        "randomised / randomized",
    ),
    Pair(
        "Measuring inconsistency in meta-analyses",
        "Measuring inconsistency in meta\u2010analyses",
        "Unicode hyphen, short title",
    ),
    Pair(
        "Bias in meta-analysis detected by a simple, graphical test",
        "Bias in meta-analysis detected by a simple, graphical test.",
        "final stop",
    ),
    Pair(
        "GRADE: an emerging consensus on rating quality of evidence and strength of "
        "recommendations",
        "GRADE: An Emerging Consensus on Rating Quality of Evidence and Strength of "
        "Recommendations",
        "title case",
    ),
    Pair(
        "Evidence based medicine: what it is and what it isn't",
        "Evidence based medicine: what it is and what it isn’t",
        "curly apostrophe",
    ),
    Pair(
        "Why most published research findings are false",
        "Why Most Published Research Findings Are False",
        "title case",
    ),
    Pair(
        "Meta-analysis in clinical trials",
        "Meta–analysis in clinical trials",
        "en dash for hyphen, short title",
    ),
    Pair(
        "Powerful placebo",
        "The powerful placebo",
        "leading 'The' dropped, short title",
    ),
]

DIFFERENT = [
    Pair(
        "Acupuncture for the prevention of tension-type headache",
        "Acupuncture for the prevention of episodic migraine",
        "two Cochrane reviews of one group (2016)",
    ),
    Pair(
        "Acupuncture for the prevention of episodic migraine",
        "Acupuncture for the prevention of tension-type headache",
        "the same pair the other way",
    ),
    Pair(
        "Acupuncture for migraine prophylaxis",
        "Acupuncture for tension-type headache",
        "two Cochrane reviews of one group (2009)",
    ),
    Pair(
        "Acupuncture for migraine prophylaxis",
        "Acupuncture for the prevention of episodic migraine",
        "two versions of a Cochrane review (.pub2, .pub3)",
    ),
    Pair(
        "Acupuncture for tension-type headache",
        "Acupuncture for the prevention of tension-type headache",
        "two versions of a Cochrane review (.pub1, .pub2)",
    ),
    Pair(
        "Acupuncture for idiopathic headache",
        "Acupuncture for migraine prophylaxis",
        "two versions of CD001218 (2001, 2009)",
    ),
    Pair(
        "Acupuncture for chronic pain: individual patient data meta-analysis",
        VICKERS_2018,
        "a meta-analysis (2012) and its update (2018)",
    ),
    Pair(
        "Acupuncture for chronic pain: update on the research evidence and implications for "
        "clinical practice",
        VICKERS_2018,
        "the Ubie chimera title against the record of the DOI it borrows",
    ),
    Pair(
        "Effect of acupuncture vs sham acupuncture or waitlist control on joint pain related to "
        "aromatase inhibitors among women with early-stage breast cancer: a randomized clinical "
        "trial",
        HERSHMAN_2022,
        "a trial (2018) and its 52-week follow-up (2022)",
    ),
    Pair(
        "Comparison of acupuncture vs sham acupuncture or waiting list control in the treatment "
        "of aromatase inhibitor-related joint pain: a randomized clinical trial",
        HERSHMAN_2018,
        "the follow-up against the trial's record",
    ),
    Pair(
        "Nonpharmacologic therapies for low back pain: a systematic review for an American "
        "College of Physicians clinical practice guideline",
        CHOU_PHARMACOLOGIC,
        "two companion reviews for one guideline",
    ),
    Pair(
        "Nonpharmacologic therapies for low back pain: a systematic review for an American "
        "College of Physicians clinical practice guideline",
        QASEEM,
        "a guideline and its evidence review",
    ),
    Pair(
        "Noninvasive treatments for acute, subacute, and chronic low back pain: a clinical "
        "practice guideline from the American College of Physicians",
        CHOU_NONPHARMACOLOGIC,
        "the guideline against its evidence review's record",
    ),
    Pair(
        "The efficacy of acupuncture for the treatment of sciatica: a systematic review and "
        "meta-analysis",
        "Acupuncture for allergic rhinitis: a systematic review and meta-analysis",
        "two acupuncture meta-analyses",
    ),
    Pair(
        "Acupuncture in seasonal allergic rhinitis: a randomized trial",
        "Acupuncture for allergic rhinitis: a systematic review and meta-analysis",
        "a trial and a meta-analysis on one condition",
    ),
    Pair(
        "Safety of acupuncture: overview of systematic reviews",
        "Adverse events of acupuncture: a systematic review of case reports",
        "two reviews of acupuncture safety",
    ),
    Pair(
        "Acupuncture and postoperative pain reduction",
        "Acupuncture and related techniques for postoperative pain: a systematic review of "
        "randomized controlled trials",
        "two reviews of postoperative pain",
    ),
    Pair(
        "Acupuncture for depression",
        "Acupuncture for insomnia",
        "two short Cochrane titles",
    ),
    Pair(
        "Acupuncture or acupressure for pain management in labour",
        "Acupuncture or acupressure for induction of labour",
        "two Cochrane reviews of one group",
    ),
    Pair(
        "Acupuncture for chronic headache in primary care: large, pragmatic, randomised trial",
        "Cost effectiveness analysis of a randomised trial of acupuncture for chronic headache "
        "in primary care",
        "a trial and its economic evaluation",
    ),
    Pair(
        "Acupuncture in patients with tension-type headache: randomised controlled trial",
        "Acupuncture for patients with migraine: a randomized controlled trial",
        "two trials of one programme",
    ),
    Pair(
        "Acupuncture in patients with chronic low back pain: a randomized controlled trial",
        "A randomized trial comparing acupuncture, simulated acupuncture, and usual care for "
        "chronic low back pain",
        "two low back pain trials",
    ),
    Pair(
        "Acupuncture in patients with chronic low back pain: a randomized controlled trial",
        "German Acupuncture Trials (GERAC) for chronic low back pain: randomized, multicenter, "
        "blinded, parallel-group trial with 3 groups",
        "two German low back pain trials",
    ),
    Pair(
        "Acupuncture in patients with osteoarthritis of the knee: a randomised trial",
        "Effectiveness of acupuncture as adjunctive therapy in osteoarthritis of the knee: a "
        "randomized, controlled trial",
        "two knee osteoarthritis trials",
    ),
    Pair(
        "Acupuncture for the prevention of episodic migraine",
        "Acupuncture for chronic headache in primary care: large, pragmatic, randomised trial",
        "a review and a trial on headache",
    ),
    Pair(
        PRISMA_2009,
        PRISMA_2020,
        "a reporting guideline and its update",
    ),
    Pair(
        CONSORT,
        CONSORT_EE,
        "a statement and its explanation paper",
    ),
    Pair(
        GRADE_2008,
        "GRADE guidelines: 1. Introduction—GRADE evidence profiles and summary of findings tables",
        "two GRADE papers",
    ),
    Pair(
        "Measuring inconsistency in meta-analyses",
        "Quantifying heterogeneity in a meta-analysis",
        "two heterogeneity papers",
    ),
    Pair(
        "Bias in meta-analysis detected by a simple, graphical test",
        "Operating characteristics of a rank correlation test for publication bias",
        "two publication-bias tests",
    ),
    Pair(
        "Meta-analysis in clinical trials",
        "Meta-analysis in clinical trials revisited",
        "a method paper and its revisit",
    ),
    Pair(
        "Why most published research findings are false",
        "Why most discovered true associations are inflated",
        "two papers of one author",
    ),
    Pair(
        "Hallmarks of cancer: new dimensions",
        "Hallmarks of Cancer: The Next Generation",
        "two updates of one review",
    ),
    Pair(
        "Using and reporting the Delphi method for selecting healthcare quality indicators: a "
        "systematic review",
        "Consensus methods for medical and health services research",
        "two papers on consensus methods",
    ),
]

# A title that is another work's main title cannot be told apart by title alone: a
# citation may drop its subtitle. The year (2000 against 2011) tells them apart, and is
# compared separately. Shown, not scored.
AMBIGUOUS = [
    Pair(
        "The hallmarks of cancer",
        "Hallmarks of Cancer: The Next Generation",
        "a review whose title is its update's main title",
    ),
]


HELD_OUT = Path(__file__).resolve().parents[1] / "tests" / "realworld" / "title_pairs.json"


def held_out() -> tuple[list[Pair], list[Pair]]:
    pairs = json.loads(HELD_OUT.read_text(encoding="utf-8"))
    return [Pair(*p) for p in pairs["same"]], [Pair(*p) for p in pairs["different"]]


def main() -> int:
    failed = score("pairs the threshold was fitted to", SAME, DIFFERENT)
    print()
    failed |= score("held-out pairs (tests/realworld/title_pairs.json)", *held_out())
    return 1 if failed else 0


def score(name: str, same_pairs: list[Pair], different_pairs: list[Pair]) -> bool:
    print(f"== {name}")
    same = [(title_similarity(p.cited, p.registered), p) for p in same_pairs]
    different = [(title_similarity(p.cited, p.registered), p) for p in different_pairs]
    low = min(score for score, _ in same)
    high = max(score for score, _ in different)
    false_alarms = [(s, p) for s, p in same if s < TITLE_THRESHOLD]
    misses = [(s, p) for s, p in different if s >= TITLE_THRESHOLD]

    print(f"TITLE_THRESHOLD = {TITLE_THRESHOLD:.1f}")
    print(f"same-work pairs:      {len(same):3d}, lowest score  {low:5.1f}")
    print(f"different-work pairs: {len(different):3d}, highest score {high:5.1f}")
    print(f"gap (lowest same - highest different): {low - high:+.1f}")
    print(f"false alarms (same work scored below the threshold): {len(false_alarms)}")
    print(f"misses (different works scored at or above it):     {len(misses)}")

    def show(title: str, rows: list[tuple[float, Pair]]) -> None:
        print(f"\n{title}")
        for score, pair in rows:
            print(f"  {score:5.1f}  {pair.variant}")
            print(f"         cited:      {' '.join(pair.cited.split())}")
            print(f"         registered: {' '.join(pair.registered.split())}")

    show("lowest same-work scores", sorted(same, key=lambda r: r[0])[:5])
    show("highest different-work scores", sorted(different, key=lambda r: -r[0])[:5])
    if false_alarms:
        show("FALSE ALARMS", false_alarms)
    if misses:
        show("MISSES", misses)
    if same_pairs is SAME:
        show(
            "ambiguous by title alone (not scored; the year tells them apart)",
            [(title_similarity(p.cited, p.registered), p) for p in AMBIGUOUS],
        )
    return bool(false_alarms or misses)


if __name__ == "__main__":
    sys.exit(main())
