"""A longer bad-input campaign (issue 9): thousands of scenario and `tocsin fly` mutants, each in
a forked child under a 3 GB address-space limit and a time limit.

Every mutant must end with exit code 0 or 2 and no traceback on stderr. The script prints the
outcomes (counts per exit code, failures with their mutant), the slowest and the largest cases
(peak resident memory of the child, from ``wait4``), and exits 1 if any mutant broke the promise.

    python benchmarks/fuzz_campaign.py [--scenarios N] [--fly N] [--workers 2] [--timeout 120]

Mutants are numbered, so a failure is reproduced by its (example, i, j) or (i, j).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from fuzz_mutants import fly_mutant, scenario_mutant  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["regional-mrbm", "two-partners", "norwegian-rocket-1995", "false-alarm-1983",
            "five-radars", "quiet-hour"]
AS_LIMIT = 3 * 2**30


def _child(args: list[str], err_path: str, timeout_s: int) -> None:
    """In the forked child: limits, quiet output, run the CLI, exit with its code."""
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    signal.alarm(timeout_s)
    fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False))
    sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False))
    code = 3
    try:
        from tocsin.cli.main import main

        code = main(args)
    except BaseException:  # a traceback is a failure: print it for the report
        import traceback

        traceback.print_exc()
        code = 4
    finally:
        sys.stderr.flush()
        os._exit(code)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", type=int, default=1200)
    ap.add_argument("--fly", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120)
    opts = ap.parse_args()

    import importlib
    import pkgutil

    import tocsin

    for mod in pkgutil.walk_packages(tocsin.__path__, "tocsin."):  # import all before forking
        importlib.import_module(mod.name)
    # Compile (or load) every kernel once, in a separate process: no child pays for it in its
    # time limit, and this parent runs no parallel (OpenMP) region, after which fork is unsafe.
    import subprocess

    subprocess.run([sys.executable, "-m", "tocsin.warmup"], check=True)

    tmp = Path(tempfile.mkdtemp(prefix="tocsin-fuzz-"))
    jobs: list[tuple[str, list[str]]] = []
    docs = {e: yaml.safe_load((ROOT / "scenarios" / f"{e}.yaml").read_text()) for e in EXAMPLES}
    for k in range(opts.scenarios):
        e = EXAMPLES[k % len(EXAMPLES)]
        i, j = (k * 7919) % 100_003, (k * 104_729) % 100_019
        f = tmp / f"s{k}.yaml"
        f.write_text(scenario_mutant(docs[e], i, j))
        jobs.append((f"scenario {e} i={i} j={j}", ["run", str(f), "--json"]))
    for k in range(opts.fly):
        i, j = (k * 31) % 1009, (k * 17 + 3) % 1013
        jobs.append((f"fly i={i} j={j}", fly_mutant(i, j)))

    running: dict[int, tuple[str, list[str], float, str]] = {}
    results: list[tuple[str, int, float, float]] = []   # label, code, seconds, peak MB
    failures: list[tuple[str, str]] = []
    t_start = time.perf_counter()
    queue = list(enumerate(jobs))
    while queue or running:
        while queue and len(running) < opts.workers:
            n, (label, args) = queue.pop(0)
            err_path = str(tmp / f"err{n}.txt")
            pid = os.fork()
            if pid == 0:
                _child(args, err_path, opts.timeout)
            running[pid] = (label, args, time.perf_counter(), err_path)
        pid, status, ru = os.wait4(-1, 0)
        label, args, t0, err_path = running.pop(pid)
        dt = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        err = Path(err_path).read_text(errors="replace")
        results.append((label, code, dt, ru.ru_maxrss / 1024))
        if code not in (0, 2) or "Traceback" in err:
            failures.append((label, err[-600:] or f"exit {code}"))
    wall = time.perf_counter() - t_start

    codes: dict[int, int] = {}
    for _, c, _, _ in results:
        codes[c] = codes.get(c, 0) + 1
    print(f"{len(results)} mutants in {wall:.0f} s ({opts.workers} workers, "
          f"RLIMIT_AS {AS_LIMIT / 2**30:.0f} GiB, timeout {opts.timeout} s)")
    print("exit codes: " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())))
    print("slowest:")
    for label, c, dt, mb in sorted(results, key=lambda r: -r[2])[:5]:
        print(f"  {dt:7.1f} s  {mb:7.0f} MB  exit {c}  {label}")
    print("largest:")
    for label, c, dt, mb in sorted(results, key=lambda r: -r[3])[:5]:
        print(f"  {mb:7.0f} MB  {dt:7.1f} s  exit {c}  {label}")
    print(f"failures: {len(failures)}")
    for label, err in failures[:20]:
        print(f"  {label}\n    " + err.replace("\n", "\n    "))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
