"""`workbench clean` and `workbench segment`: look at what the pipeline makes of articles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from workbench.clean import Ruleset, default_rules, load_rules
from workbench.cli.output import article_json, print_json_list, warn
from workbench.model import Article
from workbench.pipeline import article_from_source, read_sources

Paths = Annotated[
    list[str],
    typer.Argument(help="Article files or folders; - reads standard input.", show_default=False),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
Rules = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="Extra cruft rule file (TOML), after the built-in ones."),
]


def _articles(paths: list[str], rules: list[Path] | None) -> Iterator[Article]:
    """Each source's article as it is made: --json holds only the text of those before it."""
    ruleset: Ruleset = load_rules(rules) if rules else default_rules()
    return (article_from_source(source, ruleset) for source in read_sources(paths, warn))


def _one_path(paths: list[str]) -> bool:
    """One file named: its one article is printed alone, not in a list."""
    return len(paths) == 1 and not Path(paths[0]).is_dir()


def clean_command(
    paths: Paths,
    json: Json = False,
    removed: Annotated[bool, typer.Option("--removed", help="Also list the removed lines and why.")] = False,
    rules: Rules = None,
) -> None:
    """Print cleaned articles: title, a blank line, then paragraphs separated by blank lines."""
    if json:
        print_json_list((article_json(a) for a in _articles(paths, rules)), single=_one_path(paths))
        return
    articles = list(_articles(paths, rules))
    single = _one_path(paths) and len(articles) == 1
    for n, article in enumerate(articles):
        if not single:
            typer.echo(("\n" if n else "") + f"==> {article.source} <==")
        typer.echo(article.text(), nl=False)
        if removed and article.removed:
            typer.echo("\n-- removed --")
            for r in article.removed:
                typer.echo(f"{r.line:>5}  {r.reason:<12} {r.text or '(' + r.rule + ')'}")


def segment_command(paths: Paths, json: Json = False, rules: Rules = None) -> None:
    """Print the sentence segments of articles, one per line: id, tab, text."""
    if json:
        data = (
            {"id": a.id, "language": a.language, "segments": article_json(a, with_blocks=False)["segments"]}
            for a in _articles(paths, rules)
        )
        print_json_list(data, single=_one_path(paths))
        return
    articles = list(_articles(paths, rules))
    single = _one_path(paths) and len(articles) == 1
    for article in articles:
        for segment in article.segments:
            prefix = "" if single else f"{article.id}\t"
            typer.echo(f"{prefix}{segment.id}\t{segment.text}")


def register(app: typer.Typer) -> None:
    app.command("clean")(clean_command)
    app.command("segment")(segment_command)
