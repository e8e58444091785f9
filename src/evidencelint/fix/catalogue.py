"""What `evidencelint fix` does about each rule's findings: shown by `evidencelint rules
NAME` under "Automatic fix". A test keeps an entry for every rule."""

from __future__ import annotations

NONE = "none: an editor decides"

AUTOFIX: dict[str, str] = {
    "yaml-syntax": "none: the file cannot be read, so it cannot be edited safely",
    "duplicate-key": NONE + " which value is right",
    "schema": "partly. Safe: a web page's `accessed` written as a date in another form "
    "('March 5, 2024') becomes YYYY-MM-DD; a date that could be read two ways is left. "
    "Unsafe (--unsafe-fixes): the missing DOI of a reference naming a journal, when "
    "Crossref's query.bibliographic finds it with certainty",
    "citation-missing": NONE + " which work supports the claim",
    "citation-unresolved": NONE,
    "citation-ambiguous": NONE,
    "reference-unused": NONE + " whether a claim should cite it or it should go",
    "reference-duplicate": NONE + " which entry to keep",
    "doi-invalid": "partly, safe: invisible characters and stray blanks in a DOI are "
    "removed; a DOI written as a doi.org URL or with a doi: prefix becomes the bare DOI "
    "(accepted by the check, but one form is easier to compare and search)",
    "doi-conflict": NONE + " which DOI is right",
    "doi-not-found": NONE + ": a replacement DOI would be a guess",
    "doi-not-crossref": "none needed",
    "doi-unverified": "none: run the check again online",
    "metadata-mismatch": "none for a value that disagrees (an editor decides which is "
    "right). Unsafe (--unsafe-fixes): a missing volume, issue or pages is taken from the "
    "registered record when its title and first author agree",
    "retracted": NONE + " what the claim rests on now",
    "withdrawn": NONE + " what the claim rests on now",
    "expression-of-concern": NONE,
    "corrected": NONE,
    "superseded": "suggestion only (shown with --unsafe-fixes, never applied): the newer "
    "version's DOI. The new version may say something else; an editor decides",
    "review-overdue": NONE + ": a review is a person's work",
    "review-due-soon": NONE,
    "review-date-future": NONE + " which date was meant",
    "review-date-missing": NONE + ": only the page's reviewer knows the date",
    "evidence-old": NONE,
    "pmid-not-found": NONE + ": a replacement PMID would be a guess",
    "pmid-unverified": "none: run the check again online",
    "identifier-conflict": NONE + " which identifier is right",
    "claim-overstated": "suggestion only (in the message, never applied): the wording GRADE "
    "recommends for the claim's grade. Rewording changes what the page says; an editor "
    "decides",
    "evidence-grade-missing": NONE + ": only a reviewer can grade the evidence",
}
