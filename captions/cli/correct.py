"""``captions correct``, ``captions dict check`` and ``captions dict suggest``: thin shells over
:mod:`captions.corrections`."""

from __future__ import annotations

import json
import sys

import click

from ..corrections import check_dictionaries, correct_source, dictionaries_for, load_dictionaries
from ..findings import Severity
from ..files import read_source, same_file, source_name, write_bytes_atomic
from . import main


@main.command()
@click.argument("input_path", metavar="INPUT|-")
@click.option("--dict", "dict_paths", multiple=True, type=click.Path(dir_okay=False),
              help="A dictionary (.toml, .tsv, .csv); repeat for several, the first listed wins a shared key.")
@click.option("--no-discover", is_flag=True,
              help="Do not add the dictionaries found next to INPUT (NAME.dict.toml, captions.dict.toml).")
@click.option("-o", "--output", "output", default="-", metavar="OUTPUT|-",
              help="Where the corrected text goes (default: standard output). Never the input.")
@click.option("--explain", is_flag=True, help="List every change for a person, on standard error.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the changes as JSON on standard output (the text then needs -o FILE).")
@click.option("--glossary", "glossaries", multiple=True, type=click.Path(dir_okay=False),
              help="Names that are right as written (one a line, or a dictionary's right-hand sides): fuzzy "
                   "keys never rewrite their words. Repeatable.")
def correct(input_path: str, dict_paths: tuple[str, ...], no_discover: bool, output: str, explain: bool,
            as_json: bool, glossaries: tuple[str, ...]) -> None:
    """Repair speech-recognition errors in a transcript, SRT or WebVTT file with correction
    dictionaries.  Only the corrected words change: stamps, line breaks, spacing, encoding and
    line ends are written back as they were.

    Dictionaries apply in this order, the first holding a key wins: every --dict in the order
    given, then NAME.dict.toml/.tsv/.csv next to INPUT whose NAME starts INPUT's file name
    (longest first), then captions.dict.* in INPUT's folder.  A dictionary with an error is
    refused before any text is touched (see `captions dict check`).

    \b
    Example:
      captions correct samples/techco-2026-03-05.txt \\
          --dict samples/techco.dict.toml --explain -o corrected.txt
    """
    if same_file(input_path, output):
        raise click.UsageError(f"-o {output} is the input file; write the corrected text somewhere else")
    paths = dictionaries_for(input_path, dict_paths, discover=not no_discover)
    if not paths:
        raise click.UsageError("no dictionary: give --dict FILE or put NAME.dict.toml next to the input "
                               "(see docs/dictionaries.md)")
    dictionary = load_dictionaries(paths)  # refused here, before the input is even read
    if glossaries:
        from ..corrections.suggest import read_glossary

        dictionary = dictionary.protecting(name for path in glossaries for name in read_glossary(path))
    corrected = correct_source(read_source(input_path), source_name(input_path), dictionary)
    changes = corrected.changes
    if output != "-":
        write_bytes_atomic(output, corrected.to_bytes())
    elif not as_json:
        sys.stdout.buffer.write(corrected.to_bytes())
        sys.stdout.buffer.flush()
    if as_json:
        kind = corrected.format.value if corrected.format else "transcript"
        click.echo(json.dumps({"version": 1, "source": source_name(input_path), "format": kind,
                               "dictionaries": [str(p) for p in paths],
                               "changes": [c.to_dict() for c in changes]}, ensure_ascii=False))
    if explain:
        for change in changes:
            click.echo(change.explain(), err=True)
        rules = len({c.rule for c in changes})
        click.echo(f"{len(changes)} change(s) by {rules} rule(s) from {_dictionaries(len(paths))}", err=True)


def _dictionaries(count: int) -> str:
    """``1 dictionary``, ``2 dictionaries``."""
    return f"{count} dictionar{'y' if count == 1 else 'ies'}"


@main.group(name="dict")
def dict_group() -> None:
    """Work with correction dictionaries (see docs/dictionaries.md).

    \b
    Example:
      captions dict check samples/techco.dict.toml
    """


@dict_group.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="FILE...")
@click.option("--against", "against", multiple=True, type=click.Path(dir_okay=False),
              help="A transcript to try the context/unless guards on (guards matching nowhere are reported).")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="warning", show_default=True,
              help="The lowest severity that makes the exit status 1.")
@click.option("--json", "as_json", is_flag=True, help="Findings as JSON.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], against: tuple[str, ...], fail_on: str, as_json: bool) -> None:
    """Lint dictionaries, given in the order they would apply: unreadable entries, duplicate
    keys, conflicting fixes, chains (a key that matches a replacement), regular expressions
    that do not compile or can backtrack catastrophically, and guards that never match.

    Each finding is a line `file:line: severity: code: message`; exit status 1 when a finding
    reaches --fail-on.

    \b
    Example:
      captions dict check samples/techco.dict.toml --against samples/techco-2026-03-05.txt
    """
    texts = [read_source(p).text for p in against]
    findings = check_dictionaries(paths, against=texts)
    if as_json:
        click.echo(json.dumps({"version": 1, "files": list(paths), "findings": [f.to_dict() for f in findings]},
                              ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(str(finding))
    counts = {s: sum(f.severity is s for f in findings) for s in Severity}
    click.echo(f"{_dictionaries(len(paths))}: {counts[Severity.ERROR]} error(s), "
               f"{counts[Severity.WARNING]} warning(s)", err=True)
    failing = counts[Severity.ERROR] + (counts[Severity.WARNING] if fail_on == "warning" else 0)
    ctx.exit(1 if failing else 0)


@dict_group.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="INPUT...")
@click.option("--glossary", "glossaries", multiple=True, type=click.Path(dir_okay=False),
              help="Names the show talks about: one a line, or a dictionary (its right-hand sides). Repeatable.")
@click.option("--no-metadata", is_flag=True, help="Do not take names from the transcripts' page metadata.")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Keep only the N best suggestions.")
@click.option("-o", "--output", "output", default="-", metavar="FILE|-",
              help="Where the dictionary to review goes (default: standard output). Never an input.")
@click.option("--json", "as_json", is_flag=True, help="The suggestions and their evidence as JSON.")
def suggest(inputs: tuple[str, ...], glossaries: tuple[str, ...], no_metadata: bool, top: int | None, output: str,
            as_json: bool) -> None:
    """Propose dictionary entries for the names the transcripts mangle; never applies them.

    Right forms come from --glossary files, the transcripts' page metadata and the spellings
    the show itself repeats; wrong forms are the spans of the text that are spelled or sound
    alike (French and English phonetic keys).  The output is a dictionary whose fixes are all
    marked `review = true`, best first, each with its evidence in comments: keep a fix by
    deleting that line, then run `captions dict check`.

    \b
    Example:
      captions dict suggest samples/techco-2026-03-05.txt --glossary names.txt -o new.dict.toml
    """
    from ..corrections.suggest import read_glossary, render_suggestions
    from ..corrections.suggest import suggest as suggest_entries
    from ..transcript import parse_transcript

    if any(same_file(path, output) for path in (*inputs, *glossaries)):
        raise click.UsageError(f"-o {output} is an input; write the suggestions somewhere else")
    names = [name for path in glossaries for name in read_glossary(path)]
    transcripts = [parse_transcript(read_source(path).text, source=source_name(path)) for path in inputs]
    found = suggest_entries(transcripts, names, use_metadata=not no_metadata, limit=top)
    if as_json:
        text = json.dumps({"version": 1, "inputs": list(inputs), "glossaries": list(glossaries),
                           "suggestions": [s.to_dict() for s in found]}, ensure_ascii=False) + "\n"
    else:
        text = render_suggestions(found, [*inputs, *(f"glossary {g}" for g in glossaries)])
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_bytes_atomic(output, text.encode("utf-8"))
    click.echo(f"{len(found)} suggestion(s) to review from {len(inputs)} input(s) and {len(names)} glossary name(s)",
               err=True)
