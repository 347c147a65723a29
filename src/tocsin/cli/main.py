"""The ``tocsin`` command: thin shell over the core (parse, call, print)."""

from __future__ import annotations

import json
import math
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tocsin import __version__
from tocsin.cli.render import print_run
from tocsin.earth.model import EarthModel
from tocsin.errors import InputError, TocsinError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Tocsin: a federated ballistic-missile early-warning network, simulated.")
out = Console()
err = Console(stderr=True)


def _earth(earth: str, no_rotation: bool, no_j2: bool, no_drag: bool) -> EarthModel:
    if earth not in ("wgs84", "spherical"):
        raise InputError("--earth", earth, "wgs84 or spherical")
    return EarthModel(spherical=earth == "spherical", rotation=not no_rotation, j2=not no_j2,
                      drag=not no_drag)


def _fmt(x: float | None, nd: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:,.{nd}f}"


@app.command()
def fly(
    launch: Annotated[str, typer.Option(help="Launch point LAT,LON in degrees.")],
    vehicle: Annotated[str, typer.Option(help="Vehicle name (see `tocsin vehicles`).")],
    target: Annotated[str | None, typer.Option(help="Target LAT,LON in degrees.")] = None,
    orbit: Annotated[str | None, typer.Option(
        help="For a space launch vehicle: ALT_KM,INC_DEG.")] = None,
    trajectory: Annotated[str, typer.Option(
        help="minimum-energy | lofted:APOGEE_KM | depressed:APOGEE_KM")] = "minimum-energy",
    epoch: Annotated[str | None, typer.Option(help="Launch time, ISO 8601 UTC.")] = None,
    samples: Annotated[float | None, typer.Option(
        help="Add truth samples every DT_S seconds.", metavar="DT_S")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    earth: Annotated[str, typer.Option(help="wgs84 or spherical (R = 6,371 km).")] = "wgs84",
    no_rotation: Annotated[bool, typer.Option("--no-rotation")] = False,
    no_j2: Annotated[bool, typer.Option("--no-j2")] = False,
    no_drag: Annotated[bool, typer.Option("--no-drag")] = False,
) -> None:
    """Aim one launch at a target (or an orbit), fly it and report the trajectory."""
    from tocsin.cli.fly import FlyRequest, fly_report, parse_point
    from tocsin.earth.frames import epoch_from_iso

    orb = None
    if orbit is not None:
        parts = orbit.split(",")
        try:
            orb = (float(parts[0]), float(parts[1]))
            if len(parts) != 2:
                raise ValueError
        except (ValueError, IndexError):
            raise InputError("--orbit", orbit, "ALT_KM,INC_DEG, e.g. 300,51.6") from None
    req = FlyRequest(
        vehicle=vehicle, launch=parse_point(launch, "--launch"),
        target=parse_point(target, "--target") if target is not None else None, orbit=orb,
        trajectory=trajectory, epoch=epoch_from_iso(epoch) if epoch else None,
        samples_dt_s=samples, earth=_earth(earth, no_rotation, no_j2, no_drag))
    rep = fly_report(req)
    if as_json:
        print(json.dumps(rep, indent=2))
        return
    t = Table(title=f"{rep['vehicle']} — {rep['description']}", show_header=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    rows = [("launch", f"{rep['launch']['lat_deg']:.3f}, {rep['launch']['lon_deg']:.3f}")]
    if "target" in rep:
        rows += [("target", f"{rep['target']['lat_deg']:.3f}, {rep['target']['lon_deg']:.3f}"),
                 ("trajectory", rep["trajectory"]),
                 ("ground range (km)", _fmt(rep["ground_range_km"])),
                 ("max range this direction (km)", _fmt(rep["max_range_km"], 0))]
    rows += [("launch azimuth (deg)", _fmt(rep["azimuth_deg"], 2)),
             ("pitch kick (deg)", _fmt(rep["pitch_kick_deg"], 2)),
             ("burnout time (s)", _fmt(rep["burnout_time_s"])),
             ("burnout altitude (km)", _fmt(rep["burnout_altitude_km"])),
             ("burnout speed (km/s)", _fmt(rep["burnout_speed_km_s"], 3)),
             ("apogee (km)", _fmt(rep["apogee_km"]))]
    if rep.get("impact"):
        imp = rep["impact"]
        rows += [("flight time (s)", f"{rep['flight_time_s']:,.1f}  "
                  f"({rep['flight_time_s'] / 60:.1f} min)"),
                 ("impact", f"{imp['lat_deg']:.4f}, {imp['lon_deg']:.4f}"),
                 ("impact speed (km/s)", _fmt(imp["speed_km_s"], 2)),
                 ("miss distance (km)", _fmt(rep["miss_distance_km"], 4))]
        if "utc" in imp:
            rows.append(("impact (UTC)", imp["utc"]))
    if rep.get("orbit"):
        o = rep["orbit"]
        rows += [("orbit (km)", f"{o['perigee_km']:.1f} × {o['apogee_km']:.1f}  (requested "
                  f"{o['requested_altitude_km']:.0f} ± {o['altitude_tolerance_km']:.0f})"),
                 ("inclination (deg)", f"{o['inclination_deg']:.3f}  (requested "
                  f"{o['requested_inclination_deg']:.3f} ± {o['inclination_tolerance_deg']:.2f})"),
                 ("requested orbit", "reached" if o["reached"] else "NOT reached: nearest orbit "
                  "this vehicle flies from here"),
                 ("insertion time (s)", _fmt(o["insertion_time_s"]))]
    for k, val in rows:
        t.add_row(k, val)
    out.print(t)
    if "samples" in rep:
        out.print(f"{len(rep['samples'])} samples (use --json to get them)")


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="Scenario file (YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    detections_out: Annotated[str | None, typer.Option(
        help="Write every detection to this Parquet file.", metavar="FILE.parquet")] = None,
    tracks_out: Annotated[str | None, typer.Option(
        help="Write every track state (with its 6×6 covariance) to this Parquet file.",
        metavar="FILE.parquet")] = None,
    truth_out: Annotated[str | None, typer.Option(
        help="Write the truth (every object's ECEF state and phase at every sample) to this "
             "Parquet file, for scoring the tracks afterwards.", metavar="FILE.parquet")] = None,
) -> None:
    """Simulate a scenario: aim and fly its launches, let every sensor observe them, track."""
    from tocsin.scenario.loader import load_scenario
    from tocsin.scenario.report import (
        run_report,
        write_detections_parquet,
        write_tracks_parquet,
        write_truth_parquet,
    )
    from tocsin.scenario.runner import run_scenario

    for option, path in (("--detections-out", detections_out), ("--tracks-out", tracks_out),
                         ("--truth-out", truth_out)):
        _check_out(option, path)
    sc = load_scenario(scenario)
    res = run_scenario(sc)
    rep = run_report(res)
    if detections_out:
        rep["detections_out"] = detections_out
        write_detections_parquet(res, detections_out)
    if tracks_out:
        rep["tracks_out"] = tracks_out
        write_tracks_parquet(res, tracks_out)
    if truth_out:
        rep["truth_out"] = truth_out
        write_truth_parquet(res, truth_out)
    if as_json:
        print(json.dumps(rep, indent=2))
        return
    print_run(out, rep)


def _check_out(option: str, path: str | None) -> None:
    """Refuse an output path that cannot be written before the run, not after it."""
    if path is None:
        return
    from pathlib import Path

    p = Path(path)
    if path == "" or p.is_dir() or not p.parent.is_dir():
        raise InputError(option, path, "a writable file path in an existing directory")


@app.command()
def vehicles() -> None:
    """List the embedded generic vehicle models."""
    from tocsin.flight import get_vehicle, vehicle_names

    t = Table(title="Embedded vehicles (generic, public-level)")
    for c in ("name", "category", "stages", "liftoff (t)", "burn (s)", "description"):
        t.add_column(c)
    for n in vehicle_names():
        v = get_vehicle(n)
        t.add_row(n, v.category, str(len(v.stages)), f"{v.liftoff_mass_kg / 1e3:,.1f}",
                  f"{v.burn_time_s:.0f}", v.description)
    out.print(t)


@app.command()
def demo() -> None:
    """Fly a few illustrative launches on the embedded defaults and print a table."""
    from tocsin.cli.demo import run_demo

    run_demo(out)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
          ) -> None:
    if version:
        out.print(f"tocsin {__version__}")
        raise typer.Exit()


def main(argv: list[str] | None = None) -> int:
    """Entry point: TocsinError → one line on stderr and exit code 2, never a traceback."""
    try:
        app(args=argv, prog_name="tocsin", standalone_mode=False)
    except TocsinError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    except Exception as exc:  # click's usage errors come through here in non-standalone mode
        # (typer may vendor its own click, so match the class by name along the MRO)
        names = {c.__name__ for c in type(exc).__mro__}
        if "ClickException" in names:
            exc.show()  # type: ignore[attr-defined]
            return 2
        if "Abort" in names:
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
