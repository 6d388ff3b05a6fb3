"""Synthetic spaces of realistic mixed content, as storage format and as equivalent HTML.

Per page: headings, six paragraphs with inline formatting and links, a nested bullet
list, a numbered list, a 5x4 table, a 15-line code block and an image. The tree is a
root page with chapters of ten sections each, so exports have three levels.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

WORDS = [
    "registry",
    "image",
    "layer",
    "manifest",
    "tag",
    "digest",
    "replication",
    "policy",
    "retention",
    "scanner",
    "token",
    "cluster",
    "node",
    "storage",
    "bucket",
    "quota",
    "webhook",
    "audit",
    "role",
    "project",
    "mirror",
    "cache",
    "proxy",
    "garbage",
    "collection",
    "upload",
    "pull",
    "push",
    "signature",
    "vulnerability",
    "report",
    "schedule",
]
CODE = [
    "def replicate(source, target, policy):",
    '    """Copy every manifest that matches the policy."""',
    "    for repository in source.repositories(policy.filter):",
    "        for tag in repository.tags():",
    "            if policy.keeps(tag):",
    "                manifest = repository.manifest(tag)",
    "                target.push(repository.name, tag, manifest)",
    "    return target.summary()",
    "",
    "class Policy:",
    "    def __init__(self, filter, keep_last=10):",
    "        self.filter = filter",
    "        self.keep_last = keep_last",
    "    def keeps(self, tag):",
    "        return tag.age_days < 30 or tag.rank < self.keep_last",
]
IMAGE_NAME = "diagram.png"


@dataclass(frozen=True, slots=True)
class SyntheticPage:
    title: str
    storage: str
    html: str
    depth: int


def sentence(rng: random.Random, words: int = 14) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def page_parts(rng: random.Random, index: int) -> list[tuple[str, str]]:
    """(storage, html) fragments of one page, in order."""
    parts: list[tuple[str, str]] = [(f"<h1>Overview {index}</h1>", f"<h2>Overview {index}</h2>")]
    for paragraph in range(6):
        text = sentence(rng)
        head, tail = text[:30], text[30:]
        storage = (
            f"<p><strong>{head}</strong><em>{tail}</em> See "
            f'<a href="https://example.com/docs/{index}/{paragraph}">the reference</a> and '
            f"<code>anchorctl sync</code>.</p>"
        )
        parts.append((storage, storage))
        if paragraph == 2:
            parts.append((f"<h2>Details {index}</h2>", f"<h3>Details {index}</h3>"))
    bullets = (
        "<ul><li>First point<ul><li>Nested detail</li><li>Another detail<ul><li>Deep"
        "</li></ul></li></ul></li><li>Second point</li><li>Third point</li></ul>"
    )
    numbers = "<ol><li>Prepare the host</li><li>Install the chart</li><li>Verify</li></ol>"
    parts += [(bullets, bullets), (numbers, numbers), _table(rng), _code(), _image()]
    return parts


def _table(rng: random.Random) -> tuple[str, str]:
    header = "<tr>" + "".join(f"<th>Column {c}</th>" for c in range(4)) + "</tr>"
    rows = "".join(
        "<tr>" + "".join(f"<td>{rng.choice(WORDS)} {r}.{c}</td>" for c in range(4)) + "</tr>"
        for r in range(4)
    )
    table = f"<table><tbody>{header}{rows}</tbody></table>"
    return table, table


def _code() -> tuple[str, str]:
    code = "\n".join(CODE)
    storage = (
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python'
        f"</ac:parameter><ac:plain-text-body><![CDATA[{code}]]></ac:plain-text-body>"
        "</ac:structured-macro>"
    )
    return storage, f'<pre><code class="python">{html.escape(code)}</code></pre>'


def _image() -> tuple[str, str]:
    storage = f'<ac:image ac:width="480"><ri:attachment ri:filename="{IMAGE_NAME}"/></ac:image>'
    return storage, f'<p><img src="{IMAGE_NAME}" width="480" alt="diagram"/></p>'


def synthetic_space(pages: int, seed: int = 7) -> list[SyntheticPage]:
    """``pages`` pages in tree order: a root, chapters, ten sections per chapter."""
    rng = random.Random(seed)
    result: list[SyntheticPage] = []
    for index in range(pages):
        depth = 0 if index == 0 else (1 if (index - 1) % 11 == 0 else 2)
        kind = {0: "Manual", 1: "Chapter", 2: "Section"}[depth]
        parts = page_parts(rng, index)
        result.append(
            SyntheticPage(
                title=f"{kind} {index}",
                storage="".join(s for s, _ in parts),
                html="".join(h for _, h in parts),
                depth=depth,
            )
        )
    return result


def write_image(path: Path) -> None:
    image = Image.new("RGB", (960, 540), "white")
    draw = ImageDraw.Draw(image)
    for box in range(4):
        x = 60 + box * 220
        draw.rectangle((x, 200, x + 160, 320), outline="navy", width=4, fill="lightsteelblue")
        draw.text((x + 20, 250), f"service {box}", fill="black")
    image.save(path)


def write_folder(pages: list[SyntheticPage], root: Path) -> Path:
    """The pages as a ``pressroom render`` folder; returns the root page's file."""
    root.mkdir(parents=True, exist_ok=True)
    folder_of = {0: root}
    for index, page in enumerate(pages):
        parent = folder_of[page.depth]
        name = f"{index:05d} {page.title}"
        (parent / f"{name}.xml").write_text(page.storage, encoding="utf-8")
        write_image_once(parent)
        folder_of[page.depth + 1] = parent / name
        folder_of[page.depth + 1].mkdir(exist_ok=True)
    return root


def write_image_once(folder: Path) -> None:
    if not (folder / IMAGE_NAME).exists():
        write_image(folder / IMAGE_NAME)


def write_html(pages: list[SyntheticPage], path: Path) -> Path:
    """The same content as one HTML document (page titles as headings) for pandoc."""
    body = "".join(
        f"<h{page.depth + 1}>{html.escape(page.title)}</h{page.depth + 1}>{page.html}"
        for page in pages
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    write_image_once(path.parent)
    return path


# ---------------------------------------------------------------------------
# Content that varies page by page, as real documentation does: every page has its
# own code block, its own table values and its own picture, so a cache that only
# helps identical blocks gains nothing.
# ---------------------------------------------------------------------------

# No yaml: the Word writer, which makes the .docx LibreOffice converts, fails on its
# Pygments tokens (Token.Literal.Scalar.Plain has no style).
LANGUAGES = ("python", "java", "bash", "sql", "json", "javascript")


def varied_code(rng: random.Random, index: int) -> tuple[str, str]:
    language = LANGUAGES[index % len(LANGUAGES)]
    names = [f"{rng.choice(WORDS)}_{rng.randrange(1000)}" for _ in range(6)]
    lines = [f"# page {index}: {sentence(rng, 6)}"]
    for line in range(8 + index % 9):
        a, b = rng.sample(names, 2)
        lines.append(
            f"{'    ' * (line % 3)}{a} = {b}({rng.randrange(10**6)}, '{rng.choice(WORDS)}')"
        )
    code = "\n".join(lines)
    storage = (
        f'<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">{language}'
        f"</ac:parameter><ac:plain-text-body><![CDATA[{code}]]></ac:plain-text-body>"
        "</ac:structured-macro>"
    )
    return storage, f'<pre><code class="{language}">{html.escape(code)}</code></pre>'


def varied_image(index: int) -> tuple[str, str]:
    name = f"figure-{index}.png"
    storage = f'<ac:image ac:width="480"><ri:attachment ri:filename="{name}"/></ac:image>'
    return storage, f'<p><img src="{name}" width="480" alt="figure {index}"/></p>'


def varied_space(pages: int, seed: int = 11) -> list[SyntheticPage]:
    """As :func:`synthetic_space`, but each page's code, table and picture differ."""
    rng = random.Random(seed)
    result: list[SyntheticPage] = []
    for index in range(pages):
        depth = 0 if index == 0 else (1 if (index - 1) % 11 == 0 else 2)
        kind = {0: "Manual", 1: "Chapter", 2: "Section"}[depth]
        parts = [*page_parts(rng, index)[:-2], varied_code(rng, index), varied_image(index)]
        result.append(
            SyntheticPage(
                title=f"{kind} {index}",
                storage="".join(s for s, _ in parts),
                html="".join(h for _, h in parts),
                depth=depth,
            )
        )
    return result


def write_varied_image(path: Path, index: int) -> None:
    rng = random.Random(index)
    image = Image.new("RGB", (640, 300), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(2, 6)):
        x, y = rng.randrange(20, 480), rng.randrange(20, 200)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x, y, x + 120, y + 70), outline="navy", width=3, fill=colour)
        draw.text((x + 10, y + 30), f"{rng.choice(WORDS)} {index}", fill="black")
    image.save(path)


def write_varied_folder(pages: list[SyntheticPage], root: Path) -> Path:
    """The varied pages as a ``pressroom render`` folder, each with its own picture."""
    root.mkdir(parents=True, exist_ok=True)
    folder_of = {0: root}
    for index, page in enumerate(pages):
        parent = folder_of[page.depth]
        name = f"{index:05d} {page.title}"
        (parent / f"{name}.xml").write_text(page.storage, encoding="utf-8")
        write_varied_image(parent / f"figure-{index}.png", index)
        folder_of[page.depth + 1] = parent / name
        folder_of[page.depth + 1].mkdir(exist_ok=True)
    return root


def write_varied_html(pages: list[SyntheticPage], path: Path) -> Path:
    """The same varied content as one HTML document with its pictures beside it."""
    body = "".join(
        f"<h{page.depth + 1}>{html.escape(page.title)}</h{page.depth + 1}>{page.html}"
        for page in pages
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    for index in range(len(pages)):
        write_varied_image(path.parent / f"figure-{index}.png", index)
    return path
