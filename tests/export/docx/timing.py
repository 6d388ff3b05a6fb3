"""Local timing of the Word writer (not a test): N pages of mixed content.

    .venv/bin/python -m tests.export.docx.timing 1000            # the same content per page
    .venv/bin/python -m tests.export.docx.timing 1000 --distinct # new code and image per page

Each page: headings, paragraphs with inline formatting and links, nested lists, a
5x4 table with merged cells, a 15-line Java block and a 7-line Python block, an image.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from pressroom.export import ast
from pressroom.export.docx import write_docx
from tests.export.docx.sample import make_png, page, para

JAVA = "\n".join(
    f"    public int method{k}(String arg) {{ return arg.length() + {k}; }} // comment {k}"
    for k in range(15)
)


def pages(count: int, folder: Path, distinct: bool) -> ast.Document:
    shared = make_png(folder / "shared.png")
    blocks: list[ast.Block] = []
    for n in range(count):
        image = (
            make_png(folder / f"{n}.png", colour=f"#{n * 37 % 256:02x}8899") if distinct else shared
        )
        blocks += page(1 + n % 3, n, image)
        blocks.append(ast.CodeBlock(JAVA + (f"// page {n}" if distinct else ""), language="java"))
        link = ast.Link(ast.ExternalTarget(f"https://example.com/{n}"), [ast.Text("a link")])
        prose = (
            "More text that goes on for a while with ",
            ast.Styled("strong", [ast.Text("bold")]),
        )
        blocks += [para(*prose, " words and ", link, " to fill the page.") for _ in range(4)]
    return ast.Document(title="Timing", blocks=blocks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", type=int)
    parser.add_argument("--distinct", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        document = pages(arguments.pages, folder, arguments.distinct)
        wall, cpu = time.perf_counter(), time.process_time()
        write_docx(document, folder / "out.docx")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = (folder / "out.docx").stat().st_size / 1e6
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{arguments.pages} pages: {wall:.2f} s ({cpu:.2f} s CPU), "
        f"{arguments.pages / wall:.0f} pages/s, max RSS {rss:.0f} MB, {size:.1f} MB .docx"
    )


if __name__ == "__main__":
    main()
