"""Rebuild the package's journal list from the JabRef journal-abbreviation CSV files.

    python scripts/build_journals.py FOLDER [--out FILE]

FOLDER holds `journal_abbreviations_entrez.csv` (NCBI Entrez / MEDLINE: full title,
abbreviation) and `journal_abbreviations_medicus.csv` (Index Medicus: full title,
abbreviation, two empty columns), as published in the `journals/` folder of
https://github.com/JabRef/abbrv.jabref.org (CC0 1.0). Writes
`src/evidencelint/data/journals.tsv.gz`: one line per listed journal, the normalised
forms (`evidencelint.resolve.journals.keys`) of its title and abbreviation, tab-separated, sorted,
gzip'd without a timestamp so that an unchanged list rebuilds to identical bytes. Rerun it
after changing how `journals.keys` normalises, or when the upstream files change.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

from evidencelint.resolve.journals import DATA_FILE, keys

SOURCES = ("journal_abbreviations_entrez.csv", "journal_abbreviations_medicus.csv")
OUT = Path(__file__).resolve().parents[1] / "src" / "evidencelint" / "data" / DATA_FILE


def build(folder: Path) -> list[str]:
    lines: set[str] = set()
    for name in SOURCES:
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) < 2 or not row[0].strip() or not row[1].strip():
                    continue
                names = keys(row[0]) | keys(row[1])
                if len(names) > 1:  # a title that is its own abbreviation adds nothing
                    lines.add("\t".join(sorted(names)))
    return sorted(lines)


def main(argv: list[str]) -> int:
    out = OUT
    if len(argv) == 3 and argv[1] == "--out":
        out, argv = Path(argv[2]), argv[:1]
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    lines = build(Path(argv[0]))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{out}: {len(lines)} journals, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
