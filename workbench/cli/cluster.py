"""`workbench cluster check`: what every node of a Ray cluster has, and one sentence decoded on each."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workbench.cli.output import print_json
from workbench.cluster import LOCAL, Connection, check_nodes, cluster_address
from workbench.errors import WorkbenchError
from workbench.mt.packages import installed_models

app = typer.Typer(help="Run on a Ray cluster.", no_args_is_help=True)


@app.command("check")
def check_command(
    address: Annotated[
        str | None,
        typer.Argument(help="head:6379, or local [default: $WORKBENCH_CLUSTER, else local].", show_default=False),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
) -> None:
    """Decode one sentence with every model this machine has on every node of the cluster,
    and print what each node has: cores, GPUs, Workbench version, models. Exit 1 if a node
    could not take part in a run."""
    target = cluster_address(address) or LOCAL
    models = installed_models()
    if not models:
        raise WorkbenchError("no model is installed here; the nodes are checked against this machine's models.")
    with Connection(target) as connection:
        by_node: dict[str, dict[str, Any]] = {}
        for model in models:
            for report in check_nodes((model.from_code, model.to_code), model.identity(), decode=True):
                node = by_node.setdefault(report["node"], {k: v for k, v in report.items() if k not in _PER_PAIR})
                node.setdefault("pairs", {})[model.pair] = {k: report.get(k) for k in _PER_PAIR}
    nodes = list(by_node.values())
    problems = [p["problem"] for n in nodes for p in n["pairs"].values() if p["problem"]]
    if json:
        print_json({**connection.to_json(), "nodes": nodes})
    else:
        for node in nodes:
            models_there = ", ".join(node.get("models", {})) or "none"
            typer.echo(
                f"{node['host']} ({node['address']}): {node.get('cores', '?')} cores, {node.get('gpus', '?')} GPUs,"
                f" Workbench {node.get('version', '?')}, models: {models_there}"
            )
            for pair, result in node["pairs"].items():
                if result["problem"]:
                    typer.echo(f"  {pair}: {result['problem']}")
                else:
                    typer.echo(f"  {pair}: decoded on {result['device']} in {result['decode_seconds']} s: {result['decoded']!r}")
        typer.echo(
            f"{len(nodes)} node{'s' if len(nodes) != 1 else ''} at {connection.address}, connected in {connection.startup_seconds:.1f} s;"
            f" {'ready' if not problems else f'{len(problems)} problems'}."
        )
    if problems:
        raise typer.Exit(1)


_PER_PAIR = ("problem", "source", "decoded", "device", "decode_seconds")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="cluster")
