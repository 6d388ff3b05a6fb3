"""Word export benchmark: ``pressroom render`` against pandoc (HTML → DOCX of the
same content), both as a user runs them, each in a fresh process.

Cases:

- ``varied`` (the default and the one that counts): documentation whose content and
  shape differ page by page (:func:`benchmarks.content.documentation_space`).
- ``repetitive``: the older content whose code block, list and picture are the same
  on every page; caches make it look faster than real documents are.
- ``corpus``: the fidelity corpus of real Confluence pages (tests/corpus/pages), or
  any folder of storage-format pages given with ``--folder``. pandoc reads the same
  storage XHTML as HTML (it skips the macros it does not know).

Time is wall time of the whole command (imports included), and the CPU seconds of
it and every process it starts (on a shared machine the wall time says how much of
the CPU the command got; the CPU time what it needed); memory is the peak of the
summed resident size of those processes, sampled every 20 ms. Each measurement is
repeated (``--repeat``, default 3, the tools taking turns) and the median reported
with every run beside it: on a shared machine one run can be off by half. The
machine's load average is printed with each row.

Run: ``python -m benchmarks.export_bench [--cases varied,repetitive,corpus]
[--sizes 1,100,1000] [--repeat 3] [--no-pandoc] [--folder PATH] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import content

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
SAMPLE_SECONDS = 0.02
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def pandoc_command() -> list[str]:
    """pandoc from the PATH (Debian's ``pandoc`` package), else the binary the
    ``pypandoc-binary`` wheel ships (``make bench`` installs it)."""
    found = shutil.which("pandoc")
    if found:
        return [found]
    import pypandoc

    return [pypandoc.get_pandoc_path()]


def pandoc_version() -> str:
    result = subprocess.run([*pandoc_command(), "--version"], capture_output=True, text=True)
    return result.stdout.splitlines()[0] if result.stdout else "pandoc (unknown version)"


def _tree_usage(root: int, cpu_seen: dict[int, float]) -> int:
    """Resident size of ``root`` and all its descendants (kB), from /proc; records
    each one's CPU seconds so far in ``cpu_seen`` (by process id)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_SIZE // 1024
        cpu[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), cpu.get(pid, 0.0))
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str], out: Path, cwd: Path | None = None) -> dict[str, float]:
    """Run ``command``: wall time, CPU seconds and the peak summed RSS of its process
    tree (sampled; the last moments of each process escape the CPU count), size."""
    peak = 0
    cpu_seen: dict[int, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_usage(process.pid, cpu_seen))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate(timeout=1800)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {errors.decode(errors='replace')[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_s": sum(cpu_seen.values()),
        "rss_mb": peak / 1024,
        "bytes": out.stat().st_size,
    }


def pressroom_command(folder: Path, out: Path) -> list[str]:
    """``pressroom render`` as a user runs it (the console script of this environment)."""
    return [str(Path(sys.executable).parent / "pressroom"), "render", str(folder), "-o", str(out)]


def run_case(
    label: str,
    prepare: Callable[[Path], tuple[Path, Path]],
    workdir: Path,
    pandoc: bool,
    repeat: int,
) -> dict[str, Any]:
    """Measure one case: ``prepare`` writes its folder and HTML under ``workdir``."""
    folder, html_file = prepare(workdir)
    runs: dict[str, list[dict[str, float]]] = {"pressroom": []}
    if pandoc:
        runs["pandoc"] = []
    for _ in range(repeat):
        out = workdir / "pressroom.docx"
        runs["pressroom"].append(measure(pressroom_command(folder, out), out))
        if pandoc:
            out = workdir / "pandoc.docx"
            command = [*pandoc_command(), html_file.name, "-f", "html", "-t", "docx", "-o"]
            runs["pandoc"].append(measure([*command, str(out)], out, cwd=html_file.parent))
    row: dict[str, Any] = {"case": label, "load": os.getloadavg()[0]}
    row.update({tool: _median(measured) for tool, measured in runs.items()})
    print(_format(row), flush=True)
    return row


def synthetic_case(kind: str, size: int) -> Callable[[Path], tuple[Path, Path]]:
    def prepare(workdir: Path) -> tuple[Path, Path]:
        if kind == "varied":
            pages = content.documentation_space(size)
            folder = content.write_documentation_folder(pages, workdir / "space")
            html_file = content.write_documentation_html(pages, workdir / "html" / "space.html")
        else:
            pages = content.synthetic_space(size)
            folder = content.write_folder(pages, workdir / "space")
            html_file = content.write_html(pages, workdir / "html" / "space.html")
        return folder, html_file

    return prepare


def corpus_case(source: Path | None) -> Callable[[Path], tuple[Path, Path]]:
    """A folder of real pages; without ``source``, the fidelity corpus with its
    attachments generated as its tests do."""

    def prepare(workdir: Path) -> tuple[Path, Path]:
        folder = workdir / "pages"
        shutil.copytree(source or CORPUS / "pages", folder)
        if source is None:
            _write_corpus_attachments(folder)
        html_file = workdir / "pages" / "all-pages.html"
        pages = sorted(folder.rglob("*.xml"))
        body = "".join(f"<h1>{path.stem}</h1>{path.read_text(encoding='utf-8')}" for path in pages)
        html_file.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
        return folder, html_file

    return prepare


def _write_corpus_attachments(folder: Path) -> None:
    import yaml
    from tests.corpus.attachments import write_attachment

    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    for key, entry in manifest["pages"].items():
        page_folder = folder.joinpath(*key.split("/")).parent
        for attachment in entry.get("attachments", []):
            write_attachment(page_folder, attachment["name"], attachment.get("size"))


def _median(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "seconds": statistics.median(run["seconds"] for run in runs),
        "cpu_s": statistics.median(run["cpu_s"] for run in runs),
        "rss_mb": statistics.median(run["rss_mb"] for run in runs),
        "bytes": runs[-1]["bytes"],
        "runs": [round(run["seconds"], 3) for run in runs],
    }


def _format(row: dict[str, Any]) -> str:
    parts = [f"{row['case']:<16}"]
    for tool in ("pressroom", "pandoc"):
        figures = row.get(tool)
        if isinstance(figures, dict):
            spread = "/".join(f"{run:.2f}" for run in figures["runs"])
            parts.append(
                f"{tool}: {figures['seconds']:6.2f} s (cpu {figures['cpu_s']:5.2f} s) "
                f"{figures['rss_mb']:5.0f} MB {figures['bytes'] / 1e6:5.1f} MB ({spread})"
            )
    ours, theirs = row.get("pressroom"), row.get("pandoc")
    if isinstance(ours, dict) and isinstance(theirs, dict):
        parts.append(
            f"{theirs['seconds'] / ours['seconds']:4.1f}x pandoc "
            f"(cpu {theirs['cpu_s'] / ours['cpu_s']:4.1f}x)"
        )
    parts.append(f"load {row['load']:.1f}")
    return "  ".join(parts)


def _summarise(rows: list[dict[str, Any]]) -> None:
    by_case = {row["case"]: row for row in rows}
    small, large = by_case.get("varied N=100"), by_case.get("varied N=1000")
    if not (small and large):
        return
    growth = large["pressroom"]["seconds"] / small["pressroom"]["seconds"]
    print(f"varied growth N=100 → N=1000: {growth:.1f}x (target ≤ 11x)")
    theirs = large.get("pandoc")
    if theirs:
        speedup = theirs["seconds"] / large["pressroom"]["seconds"]
        print(
            f"varied N=1000: {speedup:.1f}x faster than pandoc (target ≥ 5x); "
            f"peak RSS {large['pressroom']['rss_mb']:.0f} MB (target < 400 MB)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default="varied,repetitive,corpus")
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measurement (median)")
    parser.add_argument("--no-pandoc", action="store_true")
    parser.add_argument("--folder", type=Path, help="A folder of real pages for 'corpus'")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file")
    args = parser.parse_args(argv)
    pandoc = not args.no_pandoc
    cases = args.cases.split(",")
    sizes = [int(size) for size in args.sizes.split(",")]
    print(
        f"{os.cpu_count()} cores, render processes: "
        f"{os.environ.get('PRESSROOM_RENDER_PROCESSES', 'default')}; "
        + (pandoc_version() if pandoc else "pandoc not run"),
        flush=True,
    )
    rows: list[dict[str, Any]] = []
    plan = [
        (f"{kind} N={size}", synthetic_case(kind, size))
        for kind in ("varied", "repetitive")
        if kind in cases
        for size in sizes
    ]
    if "corpus" in cases:
        plan.append(("corpus" if args.folder is None else "folder", corpus_case(args.folder)))
    for label, prepare in plan:
        with tempfile.TemporaryDirectory(prefix="pressroom-bench-") as workdir:
            rows.append(run_case(label, prepare, Path(workdir), pandoc, max(args.repeat, 1)))
    _summarise(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
