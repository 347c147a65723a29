"""The command line under bad input and interruptions (issue 9): literal output, outputs whole
or absent and checked before any work, Ctrl-C → 130, --version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tocsin.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = str(ROOT / "scenarios" / "regional-mrbm.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_version_needs_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("tocsin ")


@pytest.mark.parametrize("path", ["[/]missing.yaml", "[v2]/bad.yaml", "[red]x.yaml"])
def test_paths_are_printed_as_written(capsys: pytest.CaptureFixture[str], path: str) -> None:
    code, _, err = run(capsys, "run", path)
    assert code == 2 and repr(path) in err and "Traceback" not in err


def test_user_text_is_printed_literally(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    text = Path(SMALL).read_text()
    f = tmp_path / "s.yaml"
    f.write_text('name: "oops [/] \\e[31mred"\n' + "\n".join(
        line for line in text.splitlines() if not line.startswith("name:")))
    code, out, _ = run(capsys, "run", str(f))
    assert code == 0 and "oops [/] \\x1b[31mred" in out and "\x1b" not in out


def test_mode_with_markup_is_an_input_error(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text(Path(SMALL).read_text().replace("mode: look-down", 'mode: "[/]"', 1))
    code, _, err = run(capsys, "run", str(f))
    assert code == 2 and "'[/]'" in err


def test_outputs_are_checked_before_any_work(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    same = str(tmp_path / "a.parquet")
    code, _, err = run(capsys, "run", SMALL, "--detections-out", same, "--tracks-out", same)
    assert code == 2 and "different file" in err
    code, _, err = run(capsys, "run", SMALL, "--detections-out", "")
    assert code == 2 and "--detections-out" in err
    code, _, err = run(capsys, "run", SMALL, "--truth-out", str(tmp_path))
    assert code == 2 and "--truth-out" in err
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if not os.access(ro, os.W_OK):  # (root may write anywhere)
            code, _, err = run(capsys, "run", SMALL, "--tracks-out", str(ro / "t.parquet"))
            assert code == 2 and "write" in err
    finally:
        ro.chmod(0o700)
    assert not list(tmp_path.glob("*.parquet"))


def test_a_failed_write_leaves_no_partial_file(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    target = tmp_path / "t.parquet"
    target.write_bytes(b"old")

    def broken(table: object, where: str) -> None:
        Path(where).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", broken)
    code, _, err = run(capsys, "run", SMALL, "--tracks-out", str(target))
    assert code == 2 and "No space left" in err
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "t.parquet"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_a_clean_error() -> None:
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "tocsin.cli.main", "run", SMALL, "--json"],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert p.returncode == 2 and "standard output" in p.stderr and "Traceback" not in p.stderr


def test_ctrl_c_exits_130_and_says_what_was_not_written(tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    p = subprocess.Popen([sys.executable, "-m", "tocsin.cli.main", "run",
                          str(ROOT / "scenarios" / "two-partners.yaml"), "--tracks-out", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(4.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    if p.returncode == 0:
        pytest.skip("the run finished before the interrupt")
    assert p.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".*tmp"))


@pytest.mark.parametrize(("extra", "option"), [
    (["--orbit", "٤١,51"], "--orbit"),
    (["--orbit", "300,51.6"], "--orbit"),          # an orbit for a ballistic vehicle
    (["--epoch", ""], "--epoch"),
    (["--epoch", "9999-12-31T23:59:59Z"], "--epoch"),
])
def test_fly_refuses_nonsense_it_used_to_accept(capsys: pytest.CaptureFixture[str],
                                                extra: list[str], option: str) -> None:
    code, _, err = run(capsys, "fly", "--launch", "41,-101", "--target", "51,31", "--vehicle",
                       "icbm-solid-3", *extra)
    assert code == 2 and err.startswith(f"error: {option}:")


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


@pytest.mark.parametrize("args", [
    ["run", str(ROOT / "scenarios" / "two-partners.yaml"), "--json"],
    ["fly", "--launch", "41,-101", "--target", "51,31", "--vehicle", "icbm-solid-3",
     "--samples", "0.5", "--json"],
])
def test_runs_fit_the_stated_memory_budget(args: list[str]) -> None:
    """The budget (docs/scenario.md, Limits): a run or fly within 3 GB of address space."""
    p = subprocess.run([sys.executable, "-m", "tocsin.cli.main", *args], capture_output=True,
                       text=True, timeout=600, preexec_fn=_limited)
    assert p.returncode == 0, p.stderr[-2000:]


@pytest.mark.parametrize(("args", "needle"), [
    (["--launch", "41,-101", "--target", "51,31", "--vehicle", "[/]"], "'[/]'"),
    (["--launch", "41,-101", "--target", "51,31", "--vehicle", "[red]x"], "'[red]x'"),
    (["--launch", "٤١,-101", "--target", "51,31", "--vehicle", "icbm-solid-3"], "--launch"),
    (["--launch", "41_0,-101", "--target", "51,31", "--vehicle", "icbm-solid-3"], "--launch"),
    (["--launch", "41,-101", "--target", "91,31", "--vehicle", "icbm-solid-3"], "--target"),
    (["--launch", "41,-101", "--target", "51,31", "--vehicle", "icbm-solid-3", "--samples",
      "1e-9"], "--samples"),
])
def test_fly_errors_quote_the_value_and_name_the_option(capsys: pytest.CaptureFixture[str],
                                                        args: list[str], needle: str) -> None:
    t0 = time.perf_counter()
    code, _, err = run(capsys, "fly", *args)
    assert code == 2 and needle in err and "Traceback" not in err
    assert time.perf_counter() - t0 < 60.0     # refused before any 13 TiB allocation
