"""The code blocks of README.md and the documentation pages (docs/**/*.md) run as written.

- Every ```python block runs in a fresh namespace, in an empty temporary directory.
- In every ```bash / ```console / ```sh block, each `tradeindex ...` command (also after `&&`,
  backslash continuations joined) runs through `tradeindex.cli.main` and must exit 0; other
  commands (pip, pytest) are not run, and a block without a `tradeindex` command is not a test.
- A block preceded by `<!-- not-run: REASON -->` is skipped with that reason (data CI does not
  have, such as a BACI release); the skip and its reason are listed in pytest's summary.
- A ```text block preceded by `<!-- output -->` is the printed output of the python block
  before it and must match it (trailing spaces ignored). After a change of the printed tables,
  rewrite the outputs with `TRADEINDEX_UPDATE_DOC_OUTPUTS=1 python -m pytest tests/test_docs_blocks.py`
  and review the diff.

Also: the API reference page (docs/api.rst) lists every public name.
"""
import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

from tradeindex import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SKIP_DIRS = {"_build", "generated"}
PAGES = [ROOT / "README.md"] + sorted(p for p in DOCS.rglob("*.md") if not SKIP_DIRS & set(p.relative_to(DOCS).parts))
FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)")
MARKER = re.compile(r"^<!--\s*(not-run|output)\s*(?::\s*(.*?))?\s*-->\s*$")
SHELLS = {"bash", "console", "sh", "shell"}
UPDATE = os.environ.get("TRADEINDEX_UPDATE_DOC_OUTPUTS") == "1"


def parse(path):
    """The fenced blocks of a Markdown file, in order: dicts with lang, code, line (1-based, of
    the opening fence), first/last (0-based line indices of the content), marker and reason."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i, marker, reason = [], 0, None, None
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            fence, lang, start = m.group(1), m.group(2).lower(), i
            i += 1
            while i < len(lines) and not lines[i].startswith(fence):
                i += 1
            if i == len(lines):
                raise ValueError(f"{path}:{start + 1}: code block not closed")
            blocks.append({"lang": lang, "code": "\n".join(lines[start + 1:i]) + "\n", "line": start + 1,
                           "first": start + 1, "last": i, "marker": marker, "reason": reason})
            marker = reason = None
        elif lines[i].strip():
            mk = MARKER.match(lines[i].strip())
            marker, reason = (mk.group(1), mk.group(2)) if mk else (None, None)
        i += 1
    return blocks


def shell_commands(code):
    """The `tradeindex` commands of a shell block as argument lists."""
    joined = re.sub(r"\\\n\s*", " ", code)
    commands = []
    for line in joined.splitlines():
        line = line.strip().removeprefix("$ ")
        if not line or line.startswith("#"):
            continue
        for part in line.split("&&"):
            args = shlex.split(part, comments=True)
            if args and args[0] == "tradeindex":
                if set(args) & {"|", ">", ">>", "<", ";"}:
                    raise ValueError(f"cannot run {part.strip()!r}: no pipes or redirections in documented commands")
                commands.append(args[1:])
    return commands


def collect():
    cases = []
    for path in PAGES:
        blocks = parse(path)
        for n, block in enumerate(blocks):
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            if block["lang"] == "python":
                runs = True
            elif block["lang"] in SHELLS:
                runs = bool(shell_commands(block["code"]))
            else:
                continue
            if not runs:
                continue
            output = following if following and following["marker"] == "output" else None
            rel = path.relative_to(ROOT).as_posix()
            cases.append(pytest.param(path, n, block, output, id=f"{rel}:{block['line']}"))
    return cases


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    yield tmp_path
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.mark.parametrize(("path", "index", "block", "output"), collect())
def test_block(path, index, block, output, scratch):
    if block["marker"] == "not-run":
        pytest.skip(f"{path.relative_to(ROOT).as_posix()}:{block['line']} not run: {block['reason'] or 'no reason given'}")
    if block["lang"] == "python":
        printed = io.StringIO()
        namespace = {"__name__": "__main__"}
        with contextlib.redirect_stdout(printed):
            exec(compile("\n" * block["first"] + block["code"], str(path), "exec"), namespace)  # file's line numbers
        if output is not None:
            check_output(path, index + 1, output, printed.getvalue())
    else:
        for args in shell_commands(block["code"]):
            with contextlib.redirect_stdout(io.StringIO()):
                rc = cli.main(args)
            assert rc == 0, f"tradeindex {shlex.join(args)} exited {rc}"


def _lines(text):
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def check_output(path, index, output, printed):
    if _lines(printed) == _lines(output["code"]):
        return
    if UPDATE:  # rewrite the output block in place (found again: earlier rewrites move lines)
        block = parse(path)[index]
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[block["first"]:block["last"]] = _lines(printed)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    assert _lines(printed) == _lines(output["code"]), (
        f"{path.name}:{output['line']}: the output shown differs from what the block before it prints; "
        "rewrite it with TRADEINDEX_UPDATE_DOC_OUTPUTS=1 and review the diff")


def test_every_block_marker_is_known():
    """A misspelt marker would silently run (or not check) a block: every HTML comment that
    looks like a marker must be one."""
    for path in PAGES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^<!--\s*(not|no|skip|out)", line.strip(), re.I):
                assert MARKER.match(line.strip()), f"{path.name}:{n}: unknown marker {line.strip()!r}"


def test_parse_finds_markers_and_commands(tmp_path):
    sample = tmp_path / "page.md"
    sample.write_text("<!-- not-run: needs BACI -->\n```python\nx = 1\n```\n\n```bash\npip install . && "
                      "tradeindex info sample \\\n    --years 1990\npython -m pytest\n```\n<!-- output -->\n"
                      "```text\n1\n```\n", encoding="utf-8")
    blocks = parse(sample)
    assert [(b["lang"], b["marker"], b["reason"], b["line"]) for b in blocks] == [
        ("python", "not-run", "needs BACI", 2), ("bash", None, None, 6), ("text", "output", None, 12)]
    assert shell_commands(blocks[1]["code"]) == [["info", "sample", "--years", "1990"]]
    with pytest.raises(ValueError, match="no pipes"):
        shell_commands("tradeindex info sample > out.txt\n")


def test_api_reference_lists_every_public_name():
    import tradeindex
    from tradeindex import kernels
    text = (DOCS / "api.rst").read_text(encoding="utf-8")
    top, low = text.split(".. currentmodule:: tradeindex.kernels")
    listed = lambda part: set(re.findall(r"^   (\w+)$", part, re.M))  # noqa: E731
    assert set(tradeindex.__all__) - {"kernels"} <= listed(top), set(tradeindex.__all__) - listed(top)
    assert set(kernels.__all__) <= listed(low), set(kernels.__all__) - listed(low)
