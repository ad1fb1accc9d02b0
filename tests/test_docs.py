"""The documentation names what the code has: every module on the architecture page (and no
module that is gone), the layers the import test enforces, a page for every command naming each
of its options, every finding code, links that lead somewhere, and Python examples whose
imports resolve."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import click
import pytest

from captions.cli import main
from captions.findings import FindingCode

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "captions"
DOCS = REPO / "docs"
ARCHITECTURE = DOCS / "architecture.md"
# the page of a command group's subcommands (a command's page is otherwise docs/NAME.md)
GROUP_PAGES = {"dict": "dictionaries.md"}
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$", re.M)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _modules() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


def _code_blocks(text: str, language: str = "") -> list[str]:
    return re.findall(r"^```" + re.escape(language) + r"[^\n]*\n(.*?)^```", text, re.M | re.S)


def test_every_module_is_named_on_the_architecture_page() -> None:
    page = _text(ARCHITECTURE)
    missing = [rel for rel in _modules() if not re.search(r"(?<![\w/.])" + re.escape(rel) + r"(?![\w/])", page)]
    assert missing == [], f"docs/architecture.md does not describe {missing}"


def test_the_architecture_page_names_no_module_that_is_gone() -> None:
    tree = next(block for block in _code_blocks(_text(ARCHITECTURE)) if block.startswith("captions/"))
    named = re.findall(r"^\s+([\w/]+\.py)\b", tree, re.M)
    assert len(named) >= len(_modules()) - 1  # the tree lists the modules (cli/*.py one per line)
    gone = [rel for rel in named if not (PACKAGE / rel).is_file()]
    assert gone == []


def _architecture_test_layers() -> tuple[tuple[str, ...], ...]:
    spec = importlib.util.spec_from_file_location("_architecture_test", REPO / "tests" / "test_architecture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    layers: tuple[tuple[str, ...], ...] = module.LAYERS
    return layers


def test_the_layers_on_the_page_are_the_layers_the_import_test_enforces() -> None:
    page = _text(ARCHITECTURE)
    block = _code_blocks(page.split("## Layers", 1)[1])[0]
    layers = []
    for rank, line in enumerate(block.strip().splitlines()):
        number, names = line.split(None, 1)
        assert int(number) == rank, line
        names = re.split(r"\s{2,}", names.strip())[0]   # a remark may follow, after two spaces
        layers.append(tuple(name.strip().rstrip("/") for name in names.split(",")))
    assert tuple(layers) == _architecture_test_layers()


def _commands() -> list[tuple[str, click.Command, str]]:
    """(command line, command, its page) for every command and every subcommand of a group."""
    ctx = click.Context(main)
    out = []
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                subcommand = command.get_command(ctx, sub)
                assert subcommand is not None, sub
                out.append((f"{name} {sub}", subcommand, GROUP_PAGES[name]))
        else:
            out.append((name, command, f"{name}.md"))
    return out


@pytest.mark.parametrize("line, command, page", _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_a_page_naming_each_option(line: str, command: click.Command, page: str) -> None:
    path = DOCS / page
    assert path.is_file(), f"captions {line} has no page {page}"
    text = _text(path)
    options = [opt for param in command.params for opt in (*param.opts, *param.secondary_opts)
               if opt.startswith("--") and opt != "--help"]
    missing = [opt for opt in options if not re.search(re.escape(opt) + r"(?![\w-])", text)]
    assert missing == [], f"docs/{page} does not name {missing} of captions {line}"
    assert "(exit-codes.md)" in text, f"docs/{page} does not link to the exit statuses"


@pytest.mark.parametrize("page", ["inspect.md", "convert.md", "correct.md", "validate.md", "batch.md"])
def test_the_synopsis_names_only_options_that_exist(page: str) -> None:
    synopsis = _code_blocks(_text(DOCS / page))[0]
    known = {opt for _, command, _ in _commands() for param in command.params
             for opt in (*param.opts, *param.secondary_opts)}
    unknown = sorted(set(re.findall(r"(?<![\w-])--[a-z][\w-]*", synopsis)) - known)
    assert unknown == []


def test_every_finding_code_is_on_the_findings_page() -> None:
    text = _text(DOCS / "findings.md")
    missing = [code.value for code in FindingCode if f"`{code.value}`" not in text]
    assert missing == []


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets (GitHub's rule: lower case, punctuation dropped,
    spaces as hyphens)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _pages() -> list[Path]:
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_links_lead_to_a_file_and_a_heading_that_exist(page: Path) -> None:
    broken = []
    for target in _LINK.findall(_text(page)):
        if re.match(r"[a-z]+:", target):
            continue   # a web address
        file, _, anchor = target.partition("#")
        linked = (page.parent / file).resolve() if file else page
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in {_slug(h) for h in _HEADING.findall(_text(linked))}:
            broken.append(target)
    assert broken == []


def test_the_readme_links_every_page_of_docs() -> None:
    linked = {(REPO / target.partition("#")[0]).resolve() for target in _LINK.findall(_text(REPO / "README.md"))}
    assert [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked] == []


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_python_examples_import_what_exists(page: Path) -> None:
    missing = []
    for block in _code_blocks(_text(page), "python"):
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "captions":
                module = importlib.import_module(node.module)
                missing += [f"{node.module}.{a.name}" for a in node.names if not hasattr(module, a.name)]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "captions":
                        importlib.import_module(alias.name)
    assert missing == []
