"""`evidencelint fix`: mechanical fixes to content files, ruff-style.

safe.py holds the fixes that cannot change what a file says (applied by default);
registry.py the unsafe ones and the suggestions, which need Crossref's records;
edit.py the round-trip editing (ruamel.yaml: comments, key order and quoting kept);
catalogue.py what each rule's documentation says about fixes.
"""
