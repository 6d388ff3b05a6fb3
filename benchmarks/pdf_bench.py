"""PDF benchmark: N = 1, 100, 1000 pages of content that varies page by page (own code,
table and picture on every page), in one run, against WeasyPrint (HTML of the same
content) and LibreOffice (``soffice --convert-to pdf`` of Pressroom's .docx).

Wall time and peak RSS of each tool, each run in a fresh process (the Typst compile
process's memory counts as Pressroom's). Also: one compile against chunked compiles
(the document cut into chunks of top-level pages, each compiled alone) at N=1000, and
the time of a one-page export-sync through the HTTP API of ``pressroom serve``.
Run: ``python -m benchmarks.pdf_bench [--sizes 1,100,1000] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.content import varied_space, write_varied_folder, write_varied_html

WEASYPRINT_CSS = """
@page { size: A4; margin: 25mm 22mm; @bottom-right { content: "Page " counter(page)
  " of " counter(pages); font-size: 8pt; } }
body { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10.5pt; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 6pt; font-size: 8.5pt; }
table { border-collapse: collapse; } td, th { border: 0.5pt solid #ccc; padding: 3pt; }
img { max-width: 100%; }
"""


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure_pressroom(source: Path, out: Path) -> dict[str, float]:
    from pressroom.export.render import render_path

    started = time.perf_counter()
    render_path(source, out, scope="descendants")
    return {"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb()}


def measure_weasyprint(source: Path, out: Path) -> dict[str, float]:
    from weasyprint import CSS, HTML

    started = time.perf_counter()
    HTML(filename=str(source)).write_pdf(str(out), stylesheets=[CSS(string=WEASYPRINT_CSS)])
    return {"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb()}


def measure_libreoffice(source: Path, out: Path) -> dict[str, float]:
    """``source`` is the .docx Pressroom wrote (not timed); soffice converts it."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise RuntimeError("LibreOffice is not installed")
    profile = out.parent / "lo-profile"
    started = time.perf_counter()
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "rss_mb": children}


def measure_chunked(source: Path, out: Path, chunk_pages: int = 100) -> dict[str, float]:
    """The same document compiled as separate chunks of ~``chunk_pages`` pages: what
    chunking would save in memory (its cross-chunk links, TOC and outline are lost)."""
    from pressroom.export import ast
    from pressroom.export.assemble import ExportOptions, assemble
    from pressroom.export.docx import TemplateContext
    from pressroom.export.folder import read_page_tree
    from pressroom.export.pdf import DOCUMENTATION_ID, builtin_template, write_pdf

    started = time.perf_counter()
    tree = read_page_tree(source)
    options = ExportOptions(root_page_id=tree.root_id, scope="descendants", exporter="pdf")
    document = assemble(tree.pages, options)
    template = builtin_template(DOCUMENTATION_ID)
    assert template is not None
    chunks: list[list[ast.Block]] = [[]]
    titles = 0
    for block in document.blocks:
        if isinstance(block, ast.Heading) and block.page_title:
            titles += 1
            if titles % chunk_pages == 0:
                chunks.append([])
        chunks[-1].append(block)
    for number, blocks in enumerate(chunks):
        write_pdf(
            ast.Document(f"{document.title} {number}", blocks),
            out.with_name(f"chunk-{number}.pdf"),
            template=template,
            context=TemplateContext(title=document.title),
        )
    return {
        "seconds": time.perf_counter() - started,
        "rss_mb": _peak_rss_mb(),
        "chunks": len(chunks),
    }


MEASURES = {
    "pressroom": measure_pressroom,
    "weasyprint": measure_weasyprint,
    "libreoffice": measure_libreoffice,
    "chunked": measure_chunked,
}


def run_in_child(kind: str, source: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.pdf_bench", "--child", kind, str(source), str(out)],
        check=True,
        capture_output=True,
        text=True,
        timeout=7200,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _sources(size: int, workdir: Path) -> dict[str, Path]:
    from pressroom.export.render import render_path

    pages = varied_space(size)
    folder = write_varied_folder(pages, workdir / f"space-{size}")
    docx = workdir / f"docx-{size}" / "space.docx"
    docx.parent.mkdir(parents=True, exist_ok=True)
    render_path(folder, docx, scope="descendants")
    return {
        "pressroom": folder,
        "weasyprint": write_varied_html(pages, workdir / f"html-{size}" / "space.html"),
        "libreoffice": docx,
    }


def benchmark(sizes: list[int], workdir: Path, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for size in sizes:
        sources = _sources(size, workdir)
        runs: dict[str, list[dict[str, float]]] = {tool: [] for tool in sources}
        for _ in range(repeat):
            for tool, source in sources.items():
                out = workdir / f"out-{tool}-{size}" / "out.pdf"
                out.parent.mkdir(exist_ok=True)
                runs[tool].append(run_in_child(tool, source, out))
        row: dict[str, Any] = {"pages": size}
        row.update({tool: _median(measured) for tool, measured in runs.items()})
        row["pdf_pages"] = _page_count(workdir / f"out-pressroom-{size}" / "out.pdf")
        row["load"] = round(os.getloadavg()[1], 1)  # other work on the machine meanwhile
        if size >= 1000:
            out = workdir / f"out-chunked-{size}" / "out.pdf"
            out.parent.mkdir(exist_ok=True)
            row["chunked"] = run_in_child("chunked", sources["pressroom"], out)
        rows.append(row)
        print(_format(row), flush=True)
    return rows


def _page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _median(runs: list[dict[str, float]]) -> dict[str, Any]:
    return {
        "seconds": statistics.median(run["seconds"] for run in runs),
        "rss_mb": statistics.median(run["rss_mb"] for run in runs),
        "runs": [round(run["seconds"], 2) for run in runs],
    }


def _format(row: dict[str, Any]) -> str:
    parts = [f"N={row['pages']:>5} ({row['pdf_pages']} PDF pages, load {row['load']})"]
    for tool in ("pressroom", "weasyprint", "libreoffice", "chunked"):
        figures = row.get(tool)
        if figures:
            parts.append(f"{tool}: {figures['seconds']:7.2f} s {figures['rss_mb']:6.0f} MB")
    return "  ".join(parts)


SYNC_PATHS = {
    "pdf": (
        "/plugins/servlet/scroll-pdf/api/public/1/export-sync",
        "com.k15t.scroll.pdf.default-template-documentation",
    ),
    "word": (
        "/plugins/servlet/scroll-office/api/public/1/export-sync",
        "com.k15t.scroll.office.default-template-1",
    ),
}


def sync_latency(samples: int = 10, exporter: str = "pdf") -> dict[str, float]:
    """One-page export-sync through the HTTP API of a real server with one worker."""
    path, template = SYNC_PATHS[exporter]
    import httpx

    from benchmarks.api_bench import ADMIN, free_port, start_server, wait_ready

    with tempfile.TemporaryDirectory(prefix="pressroom-pdf-sync-") as home:
        port = free_port()
        server = start_server(Path(home), port, workers=1)
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", auth=ADMIN, timeout=60
            ) as client:
                wait_ready(client)
                client.post("/rest/api/space", json={"key": "S", "name": "S"}).raise_for_status()
                page = varied_space(2)[1]
                created = client.post(
                    "/rest/api/content",
                    json={
                        "type": "page",
                        "title": "One page",
                        "space": {"key": "S"},
                        "body": {"storage": {"value": page.storage, "representation": "storage"}},
                    },
                ).json()
                timings = []
                for _ in range(samples + 1):
                    started = time.perf_counter()
                    answer = client.get(
                        path,
                        params={
                            "pageId": created["id"],
                            "templateId": template,
                        },
                    )
                    answer.raise_for_status()
                    timings.append(time.perf_counter() - started)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    warm = timings[1:]
    return {"p50": statistics.median(warm), "max": max(warm), "first": timings[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SOURCE", "OUT"))
    parser.add_argument("--json", type=Path, help="Also write the figures to this file")
    args = parser.parse_args(argv)
    if args.child:
        kind, source, out = args.child
        print(json.dumps(MEASURES[kind](Path(source), Path(out))))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="pressroom-pdf-bench-") as workdir:
        rows = benchmark(sizes, Path(workdir), max(args.repeat, 1))
    latency = sync_latency()
    print(
        f"one-page PDF export-sync through the API: p50 {latency['p50']:.3f} s, "
        f"max {latency['max']:.3f} s, first {latency['first']:.3f} s (target < 0.5 s)"
    )
    _summarise(rows)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "sync": latency}, indent=2))


def _summarise(rows: list[dict[str, Any]]) -> None:
    by_size = {row["pages"]: row for row in rows}
    small, large = by_size.get(100), by_size.get(1000)
    if not (small and large):
        return
    ours = large["pressroom"]
    growth = ours["seconds"] / small["pressroom"]["seconds"]
    fastest = min(large["weasyprint"]["seconds"], large["libreoffice"]["seconds"])
    print(f"growth N=100 → N=1000: {growth:.1f}x (target ≤ 12x)")
    print(
        f"N=1000: {fastest / ours['seconds']:.1f}x faster than the faster baseline "
        f"(target ≥ 5x); peak RSS {ours['rss_mb']:.0f} MB (target < 1024 MB)"
    )
    if "chunked" in large:
        chunked = large["chunked"]
        print(
            f"N=1000 one compile: {ours['rss_mb']:.0f} MB; chunked ({chunked['chunks']:.0f} "
            f"compiles): {chunked['rss_mb']:.0f} MB, {chunked['seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
