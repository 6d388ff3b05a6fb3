"""``make bench``: every benchmark, one after the other."""

from __future__ import annotations

from benchmarks import api_bench, export_bench, pdf_bench


def main() -> None:
    print("== Export engine: pressroom vs pandoc (wall time, peak RSS) ==", flush=True)
    export_bench.main([])
    print("\n== Export API: 50 concurrent async exports of 100 pages ==", flush=True)
    api_bench.main([])
    print("\n== PDF: pressroom vs WeasyPrint vs LibreOffice, varied content ==", flush=True)
    pdf_bench.main([])


if __name__ == "__main__":
    main()
