"""A rich document tree, built by hand, that uses every node the writer knows."""

from __future__ import annotations

from pathlib import Path

from PIL import Image as PillowImage

from pressroom.export import ast

CODE = '''def greet(name: str) -> str:
    """Say hello."""
\treturn f"Hello, {name}!"  # tabbed


for i in range(3):
    print(greet("world"), i)
'''


def make_png(path: Path, size: tuple[int, int] = (400, 200), colour: str = "#4C9AFF") -> Path:
    PillowImage.new("RGB", size, colour).save(path)
    return path


def text(value: str) -> ast.Text:
    return ast.Text(value)


def para(*children: ast.Inline | str) -> ast.Paragraph:
    return ast.Paragraph([text(c) if isinstance(c, str) else c for c in children])


def nested_list() -> ast.ListBlock:
    inner = ast.ListBlock(
        ordered=False,
        items=[ast.ListItem([para("Nested bullet one")]), ast.ListItem([para("Nested two")])],
    )
    return ast.ListBlock(
        ordered=True,
        items=[
            ast.ListItem([para("First step with ", ast.Styled("strong", [text("bold")]))]),
            ast.ListItem([para("Second step"), inner]),
            ast.ListItem([para("Third step")]),
        ],
    )


def sample_table() -> ast.Table:
    header = ast.TableRow(
        [ast.TableCell([para(h)], header=True) for h in ("Name", "Role", "Since", "Notes")],
        header=True,
    )
    rows = [header]
    rows.append(
        ast.TableRow(
            [
                ast.TableCell([para("Alice")], rowspan=2),
                ast.TableCell([para("Lead writer")], colspan=2),
                ast.TableCell([para("Shaded")], background="#E3FCEF"),
            ]
        )
    )
    rows.append(ast.TableRow([ast.TableCell([para(x)]) for x in ("Editor", "2021", "-")]))
    for n in range(2):
        rows.append(ast.TableRow([ast.TableCell([para(f"r{n}c{c}")]) for c in range(4)]))
    return ast.Table(rows=rows, column_widths=[2, 3, 1, 2])


def page(level: int, number: int, image: Path | None) -> list[ast.Block]:
    anchor = f"page-{number}"
    blocks: list[ast.Block] = [
        ast.Heading(level, [text(f"Page {number}: Installing the product")], [anchor], True),
        para(
            "Plain text with ",
            ast.Styled("em", [text("emphasis")]),
            ", ",
            ast.Styled("code", [text("inline_code()")]),
            ", a ",
            ast.Link(ast.ExternalTarget("https://example.com/docs"), [text("web link")]),
            " and a ",
            ast.Link(ast.InternalTarget(anchor), [text("link to this page")]),
            ". Status: ",
            ast.Status("In progress", "Blue"),
            " ",
            ast.Emoticon("smile", "\U0001f642"),
        ),
        ast.Heading(level + 1, [text("Steps")]),
        nested_list(),
        sample_table(),
        ast.CodeBlock(CODE, language="python", title="greet.py", line_numbers=True),
    ]
    if image is not None:
        blocks.append(ast.Paragraph([ast.Image(file=image, width=300, alt="A blue box")]))
    return blocks


def rich_document(image: Path) -> ast.Document:
    blocks: list[ast.Block] = []
    blocks += page(1, 1, image)
    blocks += [
        ast.Admonition("info", [para("An info box with text.")], title="Good to know"),
        ast.Admonition("warning", [para("Careful: this deletes data.")], title="Warning"),
        ast.Admonition("tip", [para("A tip without title.")]),
        ast.Admonition("note", [para("A note.")], title="Note"),
        ast.Admonition("panel", [para("A panel.")], title="Panel"),
        ast.BlockQuote([para("A quotation from someone wise.")]),
        ast.TaskList(
            [ast.TaskItem(True, [para("Done task")]), ast.TaskItem(False, [para("Open")])]
        ),
        ast.Expand("Click to expand", [para("Hidden text, exported open.")]),
        ast.HorizontalRule(),
        ast.Columns(
            [
                ast.Column([para("Left column text.")], 50),
                ast.Column([para("Right column text.")], 50),
            ]
        ),
        ast.CodeBlock("plain   noformat\n\ttext", language=None),
        ast.Heading(12, [text("A very deep heading")]),
        para(ast.IndexTerm("Installation"), "Indexed paragraph ", ast.Date("2024-05-01")),
        ast.PageBreak(),
        ast.OrientedSection(True, [para("Landscape content"), sample_table()]),
    ]
    blocks += page(2, 2, image)
    blocks.append(ast.Index())
    return ast.Document(title="Rich sample", blocks=blocks)
