"""Render reports for the terminal: the CLI's tables, shared by ``run`` and ``demo``."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_run"]


def print_run(out: Console, rep: dict[str, Any]) -> None:
    """The run report (:func:`tocsin.scenario.report.run_report`) as tables on ``out``."""
    def t(x: float | None) -> str:
        return "—" if x is None else f"{x:,.0f}"

    out.print(f"[bold]{rep['scenario']}[/] — epoch {rep['epoch']}, {rep['duration_s']:,.0f} s, "
              f"seed {rep['seed']}, {rep['detections']:,} detections")
    ev = Table(title="Launches: detection times (s since the epoch)")
    partners = [p["id"] for p in rep.get("partners", [])]
    for c in ("id", "kind", "vehicle", "launch", "impact", "earliest possible", "first IR",
              "first radar", *[f"track: {p}" for p in partners]):
        ev.add_column(c, justify="left" if c in ("id", "kind", "vehicle") else "right")
    for e in rep["events"]:
        ev.add_row(e["id"], e["kind"], e["vehicle"], t(e["launch_time_s"]), t(e["impact_time_s"]),
                   t(e["earliest_possible_detection_s"]), t(e["first_detection_s"]["infrared"]),
                   t(e["first_detection_s"]["radar"]),
                   *[t((e.get("tracking", {}).get(p) or {}).get("first_confirmed_s"))
                     for p in partners])
    out.print(ev)
    se = Table(title="Sensors")
    for c in ("id", "partner", "kind", "true detections", "false detections"):
        se.add_column(c, justify="right" if "detections" in c else "left")
    for s in rep["sensors"]:
        se.add_row(s["id"], s["partner"], s["kind"], f"{s['true_detections']:,}",
                   f"{s['false_detections']:,}")
    out.print(se)
    for p in rep.get("partners", []):
        out.print(f"partner {p['id']}: {p['confirmed_tracks']} confirmed tracks, "
                  f"{len(p['false_tracks'])} false ({len(p.get('ghost_tracks', []))} infrared "
                  f"ghosts), rejected at the door: "
                  f"{p['rejected_detections'] or 'none'}")
