"""Render reports for the terminal: the CLI's tables, shared by ``run`` and ``demo``."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["console", "literal", "print_run"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def literal(text: object) -> str:
    """Text from outside (names, ids, paths, error messages) for the terminal: control
    characters shown as escapes (``\\x1b``), never obeyed. Consoles of :func:`console` do not
    read markup, so ``[/]`` or ``[red]`` print as written."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(text))


def console(*, stderr: bool = False) -> Console:
    """A console that prints every string literally: no markup, no highlighting."""
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False)


def print_run(out: Console, rep: dict[str, Any]) -> None:
    """The run report (:func:`tocsin.scenario.report.run_report`) as tables on ``out``."""
    def t(x: float | None) -> str:
        return "—" if x is None else f"{x:,.0f}"

    out.print(Text.assemble((literal(rep["scenario"]), "bold"),
                            f" — epoch {rep['epoch']}, {rep['duration_s']:,.0f} s, "
                            f"seed {rep['seed']}, {rep['detections']:,} detections"))
    ev = Table(title="Launches: detection times (s since the epoch)")
    partners = [p["id"] for p in rep.get("partners", [])]
    for c in ("id", "kind", "vehicle", "launch", "impact", "earliest possible", "first IR",
              "first radar", *[f"track: {p}" for p in partners]):
        ev.add_column(c, justify="left" if c in ("id", "kind", "vehicle") else "right")
    for e in rep["events"]:
        ev.add_row(literal(e["id"]), e["kind"], literal(e["vehicle"]), t(e["launch_time_s"]),
                   t(e["impact_time_s"]),
                   t(e["earliest_possible_detection_s"]), t(e["first_detection_s"]["infrared"]),
                   t(e["first_detection_s"]["radar"]),
                   *[t((e.get("tracking", {}).get(p) or {}).get("first_confirmed_s"))
                     for p in partners])
    out.print(ev)
    se = Table(title="Sensors")
    for c in ("id", "partner", "kind", "true detections", "false detections"):
        se.add_column(c, justify="right" if "detections" in c else "left")
    for s in rep["sensors"]:
        se.add_row(literal(s["id"]), literal(s["partner"]), s["kind"], f"{s['true_detections']:,}",
                   f"{s['false_detections']:,}")
    out.print(se)
    for p in rep.get("partners", []):
        out.print(f"partner {literal(p['id'])}: {p['confirmed_tracks']} confirmed tracks, "
                  f"{len(p['false_tracks'])} false ({len(p.get('ghost_tracks', []))} infrared "
                  f"ghosts), rejected at the door: "
                  f"{p['rejected_detections'] or 'none'}")
