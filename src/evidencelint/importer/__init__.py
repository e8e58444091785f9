"""`evidencelint import`: published pages (HTML, Markdown, plain text) → content files.

source.py reads a page into blocks of text (HTML through trafilatura's main-content
extraction, Markdown through markdown-it-py); dates.py finds a printed review date;
references.py finds and parses the printed reference list; claims.py picks the
statements to cite; discovery.py asks Crossref for DOIs the page did not print;
writer.py builds the YAML with ruamel.yaml, comments included.
"""
