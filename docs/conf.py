"""Sphinx configuration: the API reference (autosummary + numpydoc) and the user guide (MyST
Markdown). Built in CI with warnings as errors:

    sphinx-build -W --keep-going -b html docs docs/_build/html

Nothing is executed at build time (no notebooks): the guide's code blocks are run by
tests/test_docs_blocks.py instead.
"""
import re

import tradeindex

project = "tradeindex"
author = "tradeindex developers"
copyright = "tradeindex developers"
release = version = tradeindex.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinxarg.ext",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = ["_templates"]

# MyST: $...$ maths in the guide, anchors on headings for links between pages
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]   # included files (README sections, CHANGELOG) start below h1

# API reference: stub pages only for what api.rst lists; methods of classes listed by the template
autosummary_generate = ["api.rst"]
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"            # signatures without the hints: the docstrings describe the types
numpydoc_show_class_members = False    # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

# -- the docstrings' descriptions, read as numpydoc expects them ---------------------------------
# tradeindex's docstrings write a parameter's description on its first line ("years : None (every
# year) or ...") where numpydoc expects a type, and prose under Returns / Raises where numpydoc
# expects "type" lines. Before numpydoc parses them (a lower priority number runs first), move
# that text where numpydoc renders descriptions, without changing a word:
#   Parameters: "name : text" -> "name" + indented "text"; a paragraph that is not a parameter
#               goes to a Notes section (numpydoc allows no free text among parameters);
#   Returns, Raises: the paragraph becomes the description of its leading name ("IndexMatrix").
_NAMED = {"Parameters", "Other Parameters", "Attributes"}
_PROSE = {"Returns", "Yields", "Raises", "Warns"}
_PARAM = re.compile(r"^(\*{0,2}\w+(?:, \*{0,2}\w+)*) : (.+)$")


def _sections(lines):
    """[(header or None, lines)] of a docstring (a header is a line underlined with dashes)."""
    out, i = [(None, [])], 0
    while i < len(lines):
        if (i + 1 < len(lines) and lines[i].strip() and lines[i + 1].strip()
                and set(lines[i + 1].strip()) == {"-"} and not lines[i].startswith(" ")):
            out.append((lines[i].strip(), []))
            i += 2
            continue
        out[-1][1].append(lines[i])
        i += 1
    return out


def _numpydoc_descriptions(app, what, name, obj, options, lines):
    sections, notes = _sections(lines), []
    new = list(sections[0][1])
    for header, body in sections[1:]:
        text = list(body)
        if header in _NAMED:
            text, moved = [], None
            for line in body:
                m = _PARAM.match(line)
                if moved is None and line and not line.startswith(" ") and not m and not re.fullmatch(r"[\w, *]+", line):
                    moved = []
                if moved is not None:
                    moved.append(line)
                elif m:
                    text += [m.group(1), "    " + m.group(2)]
                else:
                    text.append(line)
            if moved:
                notes += moved + [""]
        elif header in _PROSE and body and body[0] and not body[0].startswith(" ") and not _PARAM.match(body[0]):
            lead = re.match(r"[\w.]+", body[0])
            text = [lead.group(0) if lead else "result"] + ["    " + x if x else x for x in body]
        if header == "Notes":
            text, notes = notes + text, []
        new += [header, "-" * len(header)] + text
    if any(x.strip() for x in notes):
        new += ["", "Notes", "-----"] + notes
    lines[:] = new


def setup(app):
    app.connect("autodoc-process-docstring", _numpydoc_descriptions, priority=100)


html_theme = "pydata_sphinx_theme"
html_title = f"tradeindex {release}"
html_theme_options = {"show_toc_level": 2, "navigation_with_keys": False}
html_static_path = []
# pages without sub-pages: no empty left column (their code blocks get the width)
html_sidebars = {name: [] for name in ("index", "guide/*", "cli", "conventions", "testing", "benchmarks", "changelog")}
