"""The ``tocsin`` command: thin shell over the core (parse, call, print)."""

from __future__ import annotations

import json
import math
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from tocsin import __version__
from tocsin.cli.render import console, literal, print_run
from tocsin.earth.model import EarthModel
from tocsin.errors import InputError, OutputError, TocsinError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Tocsin: a federated ballistic-missile early-warning network, simulated.")
out = console()
err = console(stderr=True)


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
    from tocsin.checks import parse_number
    from tocsin.cli.fly import FlyRequest, fly_report, parse_point
    from tocsin.earth.frames import epoch_from_iso
    from tocsin.flight import get_vehicle

    orb = None
    if orbit is not None:
        parts = orbit.split(",")
        expected = "ALT_KM,INC_DEG, e.g. 300,51.6"
        if len(parts) != 2:
            raise InputError("--orbit", orbit, expected)
        orb = (parse_number(parts[0], "--orbit", expected),
               parse_number(parts[1], "--orbit", expected))
        if not get_vehicle(vehicle, field="--vehicle").orbital:
            raise InputError("--orbit", orbit, "no orbit for a ballistic vehicle (give --target)")
    req = FlyRequest(
        vehicle=vehicle, launch=parse_point(launch, "--launch"),
        target=parse_point(target, "--target") if target is not None else None, orbit=orb,
        trajectory=trajectory, epoch=epoch_from_iso(epoch, "--epoch") if epoch is not None
        else None,
        samples_dt_s=samples, earth=_earth(earth, no_rotation, no_j2, no_drag))
    rep = fly_report(req)
    if as_json:
        _emit(json.dumps(rep, indent=2))
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

    outputs = _check_outputs({"--detections-out": detections_out, "--tracks-out": tracks_out,
                              "--truth-out": truth_out})
    _PENDING[:] = list(outputs.values())
    sc = load_scenario(scenario)
    res = run_scenario(sc)
    rep = run_report(res)
    writers = {"--detections-out": (write_detections_parquet, "detections_out"),
               "--tracks-out": (write_tracks_parquet, "tracks_out"),
               "--truth-out": (write_truth_parquet, "truth_out")}
    for option, path in outputs.items():
        write, key = writers[option]
        write(res, path)
        rep[key] = path
        _PENDING.remove(path)
        _WRITTEN.append(path)
    if as_json:
        _emit(json.dumps(rep, indent=2))
        return
    print_run(out, rep)


_WRITTEN: list[str] = []
"""Output files this command has written, for the interrupt message."""
_PENDING: list[str] = []
"""Output files it still meant to write."""


def _emit(text: str) -> None:
    """Print to standard output, or an :class:`OutputError` (full disk, closed pipe)."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError("standard output", exc.strerror or str(exc)) from None


def _check_outputs(paths: dict[str, str | None]) -> dict[str, str]:
    """Every output path, checked before any work: a file name (not empty, not a directory) in
    an existing directory we may write to, an existing file we may replace, and no path named
    by two options."""
    import os
    from pathlib import Path

    out_paths: dict[str, str] = {}
    seen: dict[str, str] = {}
    for option, path in paths.items():
        if path is None:
            continue
        p = Path(path)
        if path.strip() == "" or p.is_dir() or not p.parent.is_dir():
            raise InputError(option, path, "a writable file path in an existing directory")
        if not os.access(p.parent, os.W_OK | os.X_OK) or (
                p.exists() and not os.access(p, os.W_OK)):
            raise InputError(option, path, "a file path we may write",
                             hint="permission denied")
        key = str(p.resolve())
        if key in seen:
            raise InputError(option, path, f"a different file from {seen[key]}")
        seen[key] = option
        out_paths[option] = path
    return out_paths


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


def _version(value: bool) -> None:
    if value:
        out.print(f"tocsin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", help="Print the version.", is_eager=True, callback=_version)] = False,
          ) -> None:
    """Tocsin: a federated ballistic-missile early-warning network, simulated."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: TocsinError → one line on stderr and exit code 2, never a traceback;
    Ctrl-C → exit code 130 and a line saying which outputs were and were not written."""
    _WRITTEN.clear()
    _PENDING.clear()
    try:
        code = app(args=argv, prog_name="tocsin", standalone_mode=False)
    except KeyboardInterrupt:
        return _interrupted()
    except TocsinError as exc:
        err.print(Text.assemble(("error:", "bold red"), " ", literal(exc)), soft_wrap=True)
        return 2
    except Exception as exc:  # click's usage errors come through here in non-standalone mode
        # (typer may vendor its own click, so match the class by name along the MRO)
        names = {c.__name__ for c in type(exc).__mro__}
        if "ClickException" in names:
            exc.show()  # type: ignore[attr-defined]
            return 2
        if "Abort" in names:
            if isinstance(exc.__context__, KeyboardInterrupt):
                return _interrupted()
            return 1
        raise
    if code == 130:  # typer turns KeyboardInterrupt into Exit(130)
        return _interrupted()
    return code if isinstance(code, int) else 0


def _interrupted() -> int:
    done = ", ".join(literal(p) for p in _WRITTEN) or "nothing"
    line = f"interrupted: wrote {done}"
    if _PENDING:
        line += "; not written: " + ", ".join(literal(p) for p in _PENDING)
    err.print(line, soft_wrap=True)
    return 130


if __name__ == "__main__":
    sys.exit(main())
