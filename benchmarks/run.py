"""``make bench``: every benchmark, one after the other."""

from __future__ import annotations

from benchmarks import api_bench, export_bench, highlight_bench, pdf_bench, soak_bench


def main() -> None:
    print("== Word export: pressroom vs pandoc (wall and CPU time, peak RSS) ==", flush=True)
    export_bench.main([])
    print("\n== Code highlighting: Pygments vs syntect, twenty languages ==", flush=True)
    highlight_bench.main([])
    print("\n== Export API: 50 concurrent async exports of 100 pages ==", flush=True)
    api_bench.main([])
    print("\n== PDF: pressroom vs WeasyPrint vs LibreOffice, varied content ==", flush=True)
    pdf_bench.main([])
    print("\n== Soak: two-node cluster, 3 minutes of mixed load ==", flush=True)
    soak_bench.main([])


if __name__ == "__main__":
    main()
