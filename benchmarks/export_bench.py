"""Export benchmark: N = 1, 100, 1000 pages with descendants through ``render_path``
(reader + assembler + Word writer), against pandoc on the same content as HTML → DOCX.

Each measurement runs in a fresh process, so peak RSS is that export's own. Every
measurement is repeated (``--repeat``, default 3, the tools taking turns) and the
median is reported: on a shared two-core machine one run can be off by half.
Run: ``python -m benchmarks.export_bench [--sizes 1,100,1000] [--repeat 3] [--no-pandoc]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.content import synthetic_space, write_folder, write_html


def measure_pressroom(folder: Path, out: Path) -> dict[str, float]:
    """Runs in a child process: render, then report wall time and own peak RSS."""
    from pressroom.export.render import render_path

    started = time.perf_counter()
    render_path(folder, out, scope="descendants")
    seconds = time.perf_counter() - started
    # A long body's second half is written by a forked process: count its memory too.
    forked_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss_mb = _own_peak_rss_mb() + forked_kb / 1024
    return {"seconds": seconds, "rss_mb": rss_mb, "bytes": out.stat().st_size}


def measure_pandoc(html_file: Path, out: Path) -> dict[str, float]:
    """Runs in a child process: pandoc as a grandchild, whose peak RSS we read back."""
    import pypandoc

    started = time.perf_counter()
    subprocess.run(
        [pypandoc.get_pandoc_path(), str(html_file), "-f", "html", "-t", "docx", "-o", str(out)],
        check=True,
        cwd=html_file.parent,
    )
    seconds = time.perf_counter() - started
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "rss_mb": child_kb / 1024, "bytes": out.stat().st_size}


def _own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_in_child(kind: str, source: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_bench", "--child", kind, str(source), str(out)],
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def benchmark(
    sizes: list[int], pandoc: bool, workdir: Path, repeat: int = 3
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for size in sizes:
        pages = synthetic_space(size)
        sources = {"pressroom": write_folder(pages, workdir / f"space-{size}")}
        if pandoc:
            sources["pandoc"] = write_html(pages, workdir / f"html-{size}" / "space.html")
        runs: dict[str, list[dict[str, float]]] = {tool: [] for tool in sources}
        for _ in range(repeat):
            for tool, source in sources.items():
                out = workdir / f"{tool}-{size}.docx"
                runs[tool].append(run_in_child(tool, source, out))
        row: dict[str, object] = {"pages": size}
        row.update({tool: _median(measured) for tool, measured in runs.items()})
        rows.append(row)
        print(_format(row), flush=True)
    return rows


def _median(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Median time and peak RSS; every run's time too, to show the spread."""
    return {
        "seconds": statistics.median(run["seconds"] for run in runs),
        "rss_mb": statistics.median(run["rss_mb"] for run in runs),
        "bytes": runs[-1]["bytes"],
        "runs": [round(run["seconds"], 3) for run in runs],
    }


def _format(row: dict[str, object]) -> str:
    parts = [f"N={row['pages']:>5}"]
    for tool in ("pressroom", "pandoc"):
        figures = row.get(tool)
        if isinstance(figures, dict):
            spread = "/".join(f"{run:.2f}" for run in figures.get("runs", []))
            parts.append(
                f"{tool}: {figures['seconds']:7.2f} s {figures['rss_mb']:7.0f} MB "
                f"{figures['bytes'] / 1e6:6.1f} MB file ({spread})"
            )
    return "  ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measurement (median)")
    parser.add_argument("--no-pandoc", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "OUT"))
    parser.add_argument("--json", type=Path, help="Also write the figures to this file")
    args = parser.parse_args(argv)
    if args.child:
        kind, source, out = args.child
        measure = measure_pressroom if kind == "pressroom" else measure_pandoc
        print(json.dumps(measure(Path(source), Path(out))))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="pressroom-bench-") as workdir:
        rows = benchmark(sizes, not args.no_pandoc, Path(workdir), max(args.repeat, 1))
    _summarise(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


def _summarise(rows: list[dict[str, object]]) -> None:
    by_size = {row["pages"]: row for row in rows}
    small, large = by_size.get(100), by_size.get(1000)
    if not (small and large):
        return
    ours_small, ours_large = small["pressroom"], large["pressroom"]
    assert isinstance(ours_small, dict) and isinstance(ours_large, dict)
    print(
        f"growth N=100 → N=1000: {ours_large['seconds'] / ours_small['seconds']:.1f}x "
        f"(target ≤ 12x)"
    )
    theirs = large.get("pandoc")
    if isinstance(theirs, dict):
        print(
            f"N=1000 speed-up over pandoc: {theirs['seconds'] / ours_large['seconds']:.1f}x "
            f"(target ≥ 5x); peak RSS {ours_large['rss_mb']:.0f} MB (target < 400 MB)"
        )


if __name__ == "__main__":
    main()
