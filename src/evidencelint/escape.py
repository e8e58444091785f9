"""Text from content files and registry answers made safe for the output it lands in.

Every byte of a finding may come from outside: a contributor's YAML, a file name, a
registry record, a previous report. Each output has one function here, applied where such
text is inserted, and nowhere else:

- `terminal`, `terminal_path`: one line of text output. Control characters (C0, DEL,
  C1: ESC sequences such as OSC 52 clipboard writes, CR, newlines), Unicode line
  separators and bidi overrides are shown as `\\xNN` / `\\uNNNN`, so no line is forged
  or repainted; no line starts with `::`, a GitHub workflow command.
- `github_data`, `github_property`: the documented escaping of workflow commands (`%`,
  CR, LF; and `:` `,` in properties), so no value starts a new `::command::` line.
- `markdown`, `markdown_code`: a table cell of a pull-request comment or issue body: no
  HTML, image, link, emphasis, @mention or issue reference from content; a code span whose
  fence no backtick inside can close.
- `html`: text and attribute values of the HTML report.
- `json_text`: a JSON or SARIF document as serialised, C1 controls and bidi overrides
  written as JSON escapes (the decoded values are unchanged).

Undecodable bytes of a file name (Python holds them as lone surrogates, U+DC80-U+DCFF)
are shown as `\\xNN` in every output, and other lone surrogates as `\\uNNNN`: no output
is ever invalid UTF-8.
"""

from __future__ import annotations

import html as _html
import os
import re
from urllib.parse import quote

_SURROGATES = "\ud800-\udfff"
_INVISIBLE = "\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
"""Bidi marks and overrides (the "Trojan Source" characters), line/paragraph separators
and the byte-order mark: each changes how the rest of a line reads."""
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}{_SURROGATES}]")


def _visible(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a file name that is not UTF-8
    if code <= 0xFF:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}"


def _show(text: str) -> str:
    return _UNSAFE.sub(lambda m: _visible(m.group()), text)


def terminal(text: object) -> str:
    """One line of terminal text, every control character shown rather than obeyed."""
    return _show(str(text))


def terminal_path(path: object) -> str:
    """A file name that starts a line of text output. GitHub reads a line that starts
    with `::` (after blanks) as a workflow command, and text output lands in Actions logs
    (a pre-commit hook in CI): such a name is written `./::…`, the same file."""
    shown = terminal(path)
    return f"./{shown}" if shown.lstrip().startswith("::") or shown[:1].isspace() else shown


def github_data(text: object) -> str:
    """The message of a workflow command (`::error file=…::DATA`)."""
    escaped = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _show(escaped)


def github_property(text: object) -> str:
    """A property value of a workflow command (`file=VALUE`)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>|~&$]|(?<=\])\()")
"""What can start markup anywhere in a line: code, emphasis, HTML, table cells,
strikethrough, entities (`&#64;` is an @), math, and the `(` of an inline link or image
(`[text](url)`, `![](url)`). A bare `[text]` is text: a reference definition would have
to start a line, and no escaped text does."""
_AUTOLINK = re.compile(r"(?i)\bwww\.|:(?=//)|\b(?:mailto|xmpp):")
"""What GitHub turns into a link with no markup at all: `www.`, `scheme://`, `mailto:`."""
_MENTION = re.compile(r"([@#])(?=[\w/])")
_WORD_JOINER = "\u2060"


def _unlinked(match: re.Match[str]) -> str:
    return match.group().replace(".", "\\.").replace(":", "\\:")


def markdown(text: object) -> str:
    """Text for one table cell: whitespace collapsed, every character that can start
    Markdown or HTML escaped (no tag, image, link, autolink, emphasis or math can form),
    and a word joiner after `@` and `#` so that GitHub makes no mention or issue
    reference of it. Ordinary prose, paths and DOIs read as they are."""
    flat = " ".join(_show(str("" if text is None else text).replace("\n", " ")).split())
    escaped = _AUTOLINK.sub(_unlinked, _MARKDOWN_SPECIAL.sub(r"\\\1", flat))
    return _MENTION.sub(lambda m: m.group(1) + _WORD_JOINER, escaped)


def markdown_code(text: object) -> str:
    """A code span in a table cell, fenced by more backticks than any run inside it.
    Only `|` needs escaping inside it (GitHub splits table cells first)."""
    shown = " ".join(_show(str(text)).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def html(text: object) -> str:
    """Text or a quoted attribute value in the HTML report."""
    return _html.escape(_show(str(text)), quote=True)


_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_INVISIBLE}{_SURROGATES}]")


def _json_escape(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        # Not a character: kept as text that names it (a JSON \\udcff escape would be
        # refused or replaced by strict UTF-8 parsers).
        return "\\" + _visible(char)
    return f"\\u{code:04x}"


def json_text(serialised: str) -> str:
    """A document from `json.dumps(..., ensure_ascii=False)` made safe to print: lone
    surrogates (which appear only inside strings) become text, C1 controls and bidi
    characters become JSON escapes. `json.dumps` already escapes C0 controls."""
    return _JSON_UNSAFE.sub(lambda m: _json_escape(m.group()), serialised)


def uri_path(path: str) -> str:
    """A relative file path as a URI reference (SARIF `artifactLocation.uri`): the real
    bytes of the name, percent-encoded."""
    posix = path if os.sep == "/" else path.replace(os.sep, "/")
    return quote(posix.encode("utf-8", "surrogateescape"), safe="/")
