"""``tocsin demo``: a few illustrative launches flown on the embedded defaults."""

from __future__ import annotations

import time

from rich.console import Console
from rich.table import Table

from tocsin.cli.fly import FlyRequest, fly_report
from tocsin.cli.render import print_run

# (label, request) — generic, public-level illustrations.
DEMO_LAUNCHES = [
    ("ICBM, 8,800 km, minimum energy", FlyRequest("icbm-solid-3", (41.0, -101.0), (51.0, 31.0))),
    ("ICBM, same target, lofted 2,000",
     FlyRequest("icbm-solid-3", (41.0, -101.0), (51.0, 31.0), trajectory="lofted:2000")),
    ("Liquid ICBM, polar route", FlyRequest("icbm-liquid-2", (51.0, 58.0), (42.0, -88.0))),
    ("SLBM, depressed 400 km", FlyRequest("slbm-solid-3", (40.0, -60.0), (55.0, 37.0),
                                          trajectory="depressed:400")),
    ("IRBM, ~3,500 km", FlyRequest("irbm-2", (40.0, 125.0), (13.5, 144.8))),
    ("MRBM, ~1,000 km", FlyRequest("mrbm-1", (39.0, 125.5), (35.0, 136.0))),
    ("Sounding rocket, Andøya 1995", FlyRequest("sounding-4", (69.29, 16.02), (76.0, 15.0),
                                                trajectory="lofted:1450")),
    ("Space launch, 300 km, 51.6°", FlyRequest("slv-3", (45.9, 63.3), orbit=(300.0, 51.6))),
]


def run_demo(console: Console) -> None:
    if not console.is_terminal:
        console.width = max(console.width, 120)
    t = Table(title="Tocsin demo — illustrative launches (generic vehicles, full Earth model)")
    for c in ("launch", "vehicle", "range km", "apogee km", "burnout s", "flight min",
              "miss m", "solve s"):
        t.add_column(c, justify="right" if c not in ("launch", "vehicle") else "left")
    for label, req in DEMO_LAUNCHES:
        t0 = time.perf_counter()
        rep = fly_report(req)
        dt = time.perf_counter() - t0
        if rep.get("orbit"):
            o = rep["orbit"]
            reach = f"orbit {o['perigee_km']:.0f}×{o['apogee_km']:.0f}"
            flight, miss = "—", "—"
        else:
            reach = f"{rep['ground_range_km']:,.0f}"
            flight = f"{rep['flight_time_s'] / 60:.1f}"
            miss = f"{rep['miss_distance_km'] * 1e3:.1f}"
        t.add_row(label, rep["vehicle"], reach, f"{rep['apogee_km']:,.0f}",
                  f"{rep['burnout_time_s']:.0f}", flight, miss, f"{dt:.2f}")
    console.print(t)
    console.print("Each launch is aimed by full simulation (rotation, J2, US 1976 drag) and "
                  "flown to impact; `tocsin fly --help` for one launch in detail.\n")
    run_flagship(console)


def run_flagship(console: Console) -> None:
    """Run the embedded two-partner scenario and print who saw what, and when."""
    from importlib import resources

    from tocsin.scenario.loader import parse_scenario
    from tocsin.scenario.report import run_report
    from tocsin.scenario.runner import run_scenario

    text = resources.files("tocsin.data").joinpath("scenarios/two-partners.yaml").read_text()
    sc = parse_scenario(text, source="tocsin/data/scenarios/two-partners.yaml")
    t0 = time.perf_counter()
    res = run_scenario(sc)
    print_run(console, run_report(res))
    tm = res.timings_s
    console.print(f"Scenario run in {time.perf_counter() - t0:.1f} s (aim {tm['aim']:.1f} s, "
                  f"fly {tm['fly']:.2f} s, sense {tm['sense']:.2f} s, track {tm['track']:.2f} s). "
                  "The same file is "
                  "scenarios/two-partners.yaml: `tocsin run scenarios/two-partners.yaml --json`.")
