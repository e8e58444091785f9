"""Hostile content through the real command line: no output line is forged, no markup,
script or terminal sequence from a content file reaches a reader (issue 11)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from evidencelint.escape import markdown, markdown_code, terminal
from tests.helpers import MINIMAL_PAGE, Tree

REPO = Path(__file__).resolve().parents[2]

HOSTILE = (
    "\x1b]52;c;aGVsbG8=\x07\x1b[2K\r\n::error file=a,line=1::forged\n::add-mask::x "
    '<img src="http://evil.test/t.png"> <script>alert(1)</script> '
    "![](http://evil.test/p.png) [click](http://evil.test) www.evil.test "
    "@octocat #12 `code` | cell \x9b2J \u202eevil"
)
"""Terminal sequences (OSC 52 clipboard write, line erase, CSI), forged workflow
commands, HTML, a remote image, links, a mention, an issue reference, a backtick, a pipe
and a bidi override."""


def _yaml_quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def hostile_page() -> str:
    """A page whose title and DOI carry HOSTILE: the DOI is echoed by doi-invalid."""
    return (
        MINIMAL_PAGE.replace("title: Acupuncture for migraine", f"title: {_yaml_quoted(HOSTILE)}")
        .replace("doi: 10.1186/s40001-022-00682-3", f"doi: {_yaml_quoted('10.1/' + HOSTILE)}")
        .replace("status: published", "status: published")
    )


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "evidencelint", *args],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def hostile_tree(tree: Tree) -> Tree:
    tree.write("content/page.yaml", hostile_page())
    # A file name with a newline, a backtick and markup, holding broken YAML.
    tree.write("content/x\n::error file=b::named `x` <b>@octocat</b>.yaml", "a: [\n")
    return tree


CHECK = ("check", "content", "--offline", "--today", "2026-11-21")


def test_text_output_obeys_no_control_character(hostile_tree: Tree) -> None:
    done = cli(hostile_tree.root, *CHECK)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1, done.stderr
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", out)
    lines = out.splitlines()
    # Every line but the summary is one finding that starts with its file name.
    assert all(line.startswith("content/") for line in lines[:-1])
    assert lines[-1].startswith("1 error") or "error" in lines[-1]
    assert any("\\x1b]52;c;aGVsbG8=\\x07" in line for line in lines)  # shown, readable
    assert any(line.startswith("content/x\\n::error file=b::named") for line in lines)


def test_github_output_forges_no_workflow_command(hostile_tree: Tree) -> None:
    done = cli(hostile_tree.root, *CHECK, "--format", "github")
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1, done.stderr
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", out)
    lines = out.splitlines()
    command = re.compile(r"^::(error|warning|notice) file=[^,:]*,line=\d+,col=\d+,title=[^:]*::")
    assert all(command.match(line) for line in lines[:-1]), lines
    assert lines[-1].startswith("evidencelint: ")
    assert not any("::add-mask::" in line.split("::", 3)[-1][:14] for line in lines)
    assert any(
        line.startswith("::error file=content/x%0A%3A%3Aerror file=b%3A%3A") for line in lines
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.prose: list[str] = []
        """Text outside code, where GitHub looks for mentions and references."""
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag == "code"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._in_code:
            self.prose.append(data)


def _assert_markdown_is_inert(text: str) -> None:
    """Rendered as GitHub would (CommonMark, tables, raw HTML allowed): no HTML from
    content, no image, no link, no mention, no issue reference."""
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_inline", "html_block", "image", "link_open"}, kinds
    parsed = _Collect()
    parsed.feed(html)
    assert not {"img", "script", "a", "b"} & set(parsed.tags)
    prose = "".join(parsed.prose)
    assert "@octocat" not in prose and "#12" not in prose
    assert "<img" in prose  # shown as text, not dropped
    assert "://" not in text.replace("\\://", "") and "www." not in text
    # every table row has as many cells as its header: no pipe from content split one
    rows = [line for line in text.splitlines() if line.startswith("|")]
    widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
    assert len(widths) <= 2  # the findings tables have 4 or 5 columns; the page table 6


def test_markdown_output_renders_no_markup_from_content(hostile_tree: Tree) -> None:
    done = cli(hostile_tree.root, *CHECK, "--format", "markdown")
    assert done.returncode == 1, done.stderr
    _assert_markdown_is_inert(done.stdout.decode("utf-8"))


def test_backtick_in_a_file_name_stays_in_its_code_span(tree: Tree) -> None:
    tree.write("content/a`b ``c.yaml", "a: [\n")
    done = cli(tree.root, *CHECK, "--format", "markdown")
    tokens = MarkdownIt("commonmark").enable("table").parse(done.stdout.decode("utf-8"))
    codes = [c.content for t in tokens for c in t.children or [] if c.type == "code_inline"]
    assert "content/a`b ``c.yaml:2:1" in codes


def test_audit_reports_carry_no_markup_from_content(hostile_tree: Tree) -> None:
    out = hostile_tree.root / "report"
    done = cli(
        hostile_tree.root,
        "audit",
        "content",
        "--offline",
        "--today",
        "2026-11-21",
        "--out",
        str(out),
    )
    assert done.returncode == 1, done.stderr
    _assert_markdown_is_inert((out / "report.md").read_text(encoding="utf-8"))
    parsed = _Collect()
    parsed.feed((out / "report.html").read_text(encoding="utf-8"))
    assert not {"img", "script", "a"} & set(parsed.tags)
    assert "<script>alert(1)</script>" in "".join(parsed.text)  # shown, as text
    document = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert any(HOSTILE in f["message"] for f in document["findings"])  # the data is whole


def _previous(tmp: Path, **changes: object) -> Path:
    finding = {
        "code": "EL601", "name": "review-overdue", "severity": "error",
        "path": "content/page.yaml", "line": 4, "column": 16, "message": "overdue",
        "page": "minimal-page", "claim": None, "reference": None, "doi": None,
        "field": None, "expected": None, "actual": None,
    }  # fmt: skip
    finding.update(changes)
    path = tmp / "previous.json"
    path.write_text(json.dumps({"tool": "evidencelint", "today": "2026-01-01",
                                "findings": [finding]}), encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize(
    "changes",
    [
        {"line": "<script>alert(1)</script>"},
        {"column": "1<img src=x onerror=alert(1)>"},
        {"severity": '"><script>alert(1)</script>'},
        {"line": True},
        {"message": 3},
        {"page": ["a"]},
    ],
)
def test_a_malformed_since_finding_stops_the_audit_before_anything_is_written(
    tree: Tree, changes: dict[str, object]
) -> None:
    tree.write("content/page.yaml", MINIMAL_PAGE)
    out = tree.root / "report"
    out.mkdir()
    old = {name: f"old {name}\n" for name in ("report.json", "report.md", "report.html")}
    for name, text in old.items():
        (out / name).write_text(text)
    since = _previous(tree.root, **changes)
    done = cli(tree.root, "audit", "content", "--offline", "--today", "2026-11-21",
               "--out", str(out), "--since", str(since))  # fmt: skip
    assert done.returncode == 2
    assert b"--since" in done.stderr and b"finding 1" in done.stderr
    assert {p.name: p.read_text() for p in out.iterdir()} == old


def test_since_findings_are_escaped_in_the_html_report(tree: Tree) -> None:
    tree.write("content/page.yaml", MINIMAL_PAGE)
    out = tree.root / "report"
    since = _previous(tree.root, path="<script>alert(1)</script>", message=HOSTILE)
    done = cli(tree.root, "audit", "content", "--offline", "--today", "2026-11-21",
               "--out", str(out), "--since", str(since))  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    parsed = _Collect()
    parsed.feed((out / "report.html").read_text(encoding="utf-8"))
    assert not {"img", "script", "a"} & set(parsed.tags)
    _assert_markdown_is_inert((out / "report.md").read_text(encoding="utf-8"))


NON_UTF8 = b"content/caf\xe9 \xff.yaml"


@pytest.fixture
def non_utf8_tree(tree: Tree) -> Tree:
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    tree.write("content/page.yaml", MINIMAL_PAGE)
    (tree.root / "content").mkdir(exist_ok=True)
    with open(os.fsencode(tree.root) + b"/" + NON_UTF8, "wb") as handle:
        handle.write(b"a: [\n")
    return tree


@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "github", "markdown"])
def test_a_file_name_that_is_not_utf8_is_shown_not_crashed_on(
    non_utf8_tree: Tree, fmt: str
) -> None:
    done = cli(non_utf8_tree.root, *CHECK, "--format", fmt)
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    if fmt != "sarif":  # SARIF names the file only in its URI
        assert "caf\\xe9 \\xff.yaml" in out.replace("\\\\", "\\")
    if fmt == "json":
        paths = {f["path"] for f in json.loads(out)["findings"]}
        assert "content/caf\\xe9 \\xff.yaml" in paths
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert "content/caf%E9%20%FF.yaml" in uris  # the file's real bytes


def test_a_file_name_that_is_not_utf8_does_not_crash_output_or_audit(
    non_utf8_tree: Tree,
) -> None:
    root = non_utf8_tree.root
    done = cli(root, *CHECK, "--format", "json", "--output", "out.json")
    assert done.returncode == 1, done.stderr
    assert json.loads((root / "out.json").read_text(encoding="utf-8"))["findings"]
    done = cli(root, "audit", "content", "--offline", "--today", "2026-11-21", "--out", "r")
    assert done.returncode == 1, done.stderr
    for name in ("report.json", "report.md", "report.html"):
        assert "caf\\xe9" in (root / "r" / name).read_text(encoding="utf-8").replace("\\\\", "\\")


def test_the_escaping_functions_keep_ordinary_text_as_it_is() -> None:
    plain = "content/msk-acupuncture.yaml: [Linde 2016] 10.1002/14651858.CD007587.pub2 (line 3)"
    assert terminal(plain) == plain
    assert markdown(plain) == plain
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`a") == "`` `a ``"


def _workflow_commands(log: str) -> list[str]:
    """The lines GitHub's runner would execute as workflow commands: those that start
    with `::` after blanks, except between `::stop-commands::TOKEN` and `::TOKEN::`."""
    commands, token = [], None
    for line in log.splitlines():
        text = line.lstrip()
        if token is not None:
            if text == f"::{token}::":
                token = None
            continue
        if text.startswith("::"):
            commands.append(text)
            if text.startswith("::stop-commands::"):
                token = text.removeprefix("::stop-commands::")
    return commands


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


HOSTILE_NAMES = (
    "content/x\n::error file=a,line=1::forged.yaml",
    "content/::add-mask::secret.yaml",
    "content/SHOUT.YAML",
)


def test_the_lint_workflow_prints_changed_file_names_without_running_them(
    tmp_path: Path,
) -> None:
    import shutil

    import yaml

    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("git and bash are needed to run the workflow's script")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "content").mkdir()
    (repo / "content" / "page.yaml").write_text(MINIMAL_PAGE)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    for name in HOSTILE_NAMES:
        (repo / name).write_text("a: [\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "hostile names")

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "lint.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    listing = next(s for s in steps if s.get("id") == "changed")["run"]
    gate = next(s for s in steps if "--format github" in s.get("run", ""))["run"]
    bin_dir = Path(sys.executable).parent  # python and evidencelint, as the job installs them
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "BASE_REF": "main",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]  # GitHub's `bash`
    listed = subprocess.run(
        [*shell, listing], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    commands = _workflow_commands(listed.stdout)
    assert len(commands) == 1 and commands[0].startswith("::stop-commands::"), listed.stdout
    assert len(commands[0]) > len("::stop-commands::") + 16  # an unguessable token
    assert (tmp_path / "output").read_text() == "any=true\n"
    assert "content/SHOUT.YAML" in listed.stdout  # upper-case extensions are checked too

    gated = subprocess.run(
        [*shell, gate + "\n"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert gated.returncode == 1, gated.stderr
    annotations = _workflow_commands(gated.stdout)
    assert len(annotations) == len(HOSTILE_NAMES)  # one yaml-syntax error each, no more
    assert all(a.startswith("::error file=content/") for a in annotations), annotations
    assert any(
        a.startswith("::error file=content/%3A%3Aadd-mask%3A%3Asecret.yaml,") for a in annotations
    )


def test_no_text_output_line_starts_a_workflow_command(tree: Tree) -> None:
    tree.write("::add-mask::x.yaml", "a: [\n")
    tree.write(" ::error::y.yaml", "a: [\n")
    done = cli(tree.root, "check", "::add-mask::x.yaml", " ::error::y.yaml", "--offline")
    out = done.stdout.decode("utf-8")
    assert not _workflow_commands(out), out
    assert "./::add-mask::x.yaml:2:1: EL101" in out


def test_claim_text_and_a_reference_as_cited_carry_no_markup_into_the_audit(
    tree: Tree,
) -> None:
    """The worklist quotes claims and references in their words: those words are content."""
    page = MINIMAL_PAGE.replace(
        "text: Acupuncture reduced allergic rhinitis symptoms in adults [He 2022].",
        f"text: {_yaml_quoted(HOSTILE + ' [He 2022]')}\n"
        f"  - id: uncited\n    text: {_yaml_quoted(HOSTILE)}",
    ).replace(
        'title: "Acupuncture for allergic rhinitis: a systematic review and meta-analysis"',
        f"title: {_yaml_quoted(HOSTILE)}",
    )
    tree.write("content/page.yaml", page)
    out = tree.root / "report"
    done = cli(
        tree.root, "audit", "content", "--offline", "--today", "2026-11-21", "--out", "report"
    )
    assert done.returncode == 1, done.stderr
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "claim `uncited`, line" in markdown and "reference: He M, Qin W" in markdown
    _assert_markdown_is_inert(markdown)
    # No line of the worklist is forged by a newline in a claim.
    assert not any(line.startswith("::") for line in markdown.splitlines())
    parsed = _Collect()
    parsed.feed((out / "report.html").read_text(encoding="utf-8"))
    assert not {"img", "script", "a"} & set(parsed.tags)
    assert "<script>alert(1)</script>" in "".join(parsed.text)
    claims = json.loads((out / "report.json").read_text(encoding="utf-8"))["pages"][0]["claims"]
    assert claims[1] == {"id": "uncited", "text": HOSTILE, "line": 9, "column": 11}
