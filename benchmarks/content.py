"""Synthetic spaces of realistic mixed content, as storage format and as equivalent HTML.

Per page: headings, six paragraphs with inline formatting and links, a nested bullet
list, a numbered list, a 5x4 table, a 15-line code block and an image. The tree is a
root page with chapters of ten sections each, so exports have three levels.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable
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


PageParts = Callable[[random.Random, int], list[tuple[str, str]]]


def tree_of_pages(pages: int, seed: int, parts_of: PageParts) -> list[SyntheticPage]:
    """``pages`` pages in tree order: a root, chapters, ten sections per chapter; each
    page's content from ``parts_of(rng, index)``."""
    rng = random.Random(seed)
    result: list[SyntheticPage] = []
    for index in range(pages):
        depth = 0 if index == 0 else (1 if (index - 1) % 11 == 0 else 2)
        kind = {0: "Manual", 1: "Chapter", 2: "Section"}[depth]
        parts = parts_of(rng, index)
        result.append(
            SyntheticPage(
                title=f"{kind} {index}",
                storage="".join(s for s, _ in parts),
                html="".join(h for _, h in parts),
                depth=depth,
            )
        )
    return result


def synthetic_space(pages: int, seed: int = 7) -> list[SyntheticPage]:
    """``pages`` pages in tree order: a root, chapters, ten sections per chapter."""
    return tree_of_pages(pages, seed, page_parts)


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


def _varied_page_parts(rng: random.Random, index: int) -> list[tuple[str, str]]:
    return [*page_parts(rng, index)[:-2], varied_code(rng, index), varied_image(index)]


def varied_space(pages: int, seed: int = 11) -> list[SyntheticPage]:
    """As :func:`synthetic_space`, but each page's code, table and picture differ."""
    return tree_of_pages(pages, seed, _varied_page_parts)


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


# ---------------------------------------------------------------------------
# Documentation as people write it (the Word benchmark's default case): every page
# differs in length and shape. Paragraphs of 4 to 70 words, zero to two code blocks
# in the twenty most used languages with 3 to 40 lines, tables from 2x2 to 12x7,
# zero to three pictures of different sizes, lists of different depths, now and
# then an admonition.
# ---------------------------------------------------------------------------

# Line templates per language (Confluence's code macro names them so): {a} {b} are
# identifiers, {n} a number, {w} a word, {s} a short phrase.
CODE_LINES: dict[str, tuple[str, ...]] = {
    "python": (
        "def {a}({b}, limit={n}):",
        '    """{s}."""',
        "    for item in {b}.{a}():",
        "        if item.{w} > {n}:",
        "            yield {a}_{w}(item, '{w}')",
        "{a} = {{'{w}': {n}, 'name': '{s}'}}",
        "class {A}({B}):",
        "    return [{a} for {a} in {b} if {a}.ok]",
    ),
    "javascript": (
        "function {a}({b}) {{",
        "  const {w} = await fetch(`/api/{w}/${{{b}}}`);",
        "  if ({b}.length > {n}) return null; // {s}",
        "  return {b}.map(({a}) => {a}.{w} * {n});",
        "}}",
        "export const {A} = {{ {w}: '{s}', limit: {n} }};",
    ),
    "typescript": (
        "interface {A} {{ {w}: string; {a}: number; }}",
        "export async function {a}({b}: {A}[]): Promise<number> {{",
        "  const total = {b}.reduce((sum, x) => sum + x.{a}, {n});",
        "  return total; // {s}",
        "}}",
        "type {B} = Partial<{A}> & {{ tag: '{w}' }};",
    ),
    "java": (
        "public final class {A} implements {B} {{",
        "    private final Map<String, Integer> {a} = new HashMap<>();",
        "    public int {b}(String {w}) {{",
        "        return {a}.getOrDefault({w}, {n}); // {s}",
        "    }}",
        '    @Override public String toString() {{ return "{w}"; }}',
        "}}",
    ),
    "csharp": (
        "public sealed class {A} : {B}",
        "{{",
        "    public async Task<int> {A}Async(string {a}) => await _{b}.CountAsync({a}, {n});",
        "    // {s}",
        '    private readonly string _{w} = "{w}";',
        "}}",
    ),
    "cpp": (
        "#include <vector>",
        "template <typename T> T {a}(const std::vector<T>& {b}) {{",
        "    T total{{}}; for (const auto& x : {b}) total += x * {n};",
        "    return total;  // {s}",
        "}}",
        "static constexpr int k{A} = {n};",
    ),
    "c": (
        "#include <stdio.h>",
        "static int {a}(const char *{b}, size_t n) {{",
        '    if (n > {n}) {{ fprintf(stderr, "{s}\\n"); return -1; }}',
        "    return (int)n;",
        "}}",
        "/* {s} */",
    ),
    "php": (
        "<?php",
        "function {a}(array ${b}): int {{",
        "    return count(array_filter(${b}, fn($x) => $x > {n})); // {s}",
        "}}",
        "${w} = ['{w}' => {n}, 'label' => '{s}'];",
    ),
    "go": (
        "func {A}(ctx context.Context, {b} []string) (int, error) {{",
        "\tif len({b}) > {n} {{",
        '\t\treturn 0, fmt.Errorf("{s}: %d", len({b}))',
        "\t}}",
        "\treturn len({b}), nil",
        "}}",
        'var {a} = map[string]int{{"{w}": {n}}}',
    ),
    "rust": (
        "pub fn {a}({b}: &[u32]) -> Result<u64, Error> {{",
        "    let total: u64 = {b}.iter().map(|x| *x as u64 * {n}).sum();",
        "    Ok(total) // {s}",
        "}}",
        "#[derive(Debug, Clone)] struct {A} {{ {w}: String }}",
    ),
    "kotlin": (
        "data class {A}(val {a}: String, val {b}: Int = {n})",
        "fun {a}({b}: List<{A}>): Int = {b}.count {{ it.{b} > {n} }} // {s}",
        'val {w} = mapOf("{w}" to {n})',
    ),
    "ruby": (
        "def {a}({b}, limit: {n})",
        "  {b}.select {{ |x| x.{w} > limit }}.map(&:name) # {s}",
        "end",
        "{A} = Struct.new(:{a}, :{b})",
    ),
    "swift": (
        "struct {A}: Codable {{ let {a}: String; var {b}: Int = {n} }}",
        "func {a}(_ {b}: [{A}]) -> Int {{ {b}.filter {{ $0.{b} > {n} }}.count }} // {s}",
        'let {w} = ["{w}": {n}]',
    ),
    "bash": (
        "#!/usr/bin/env bash",
        "set -euo pipefail  # {s}",
        'for {a} in "${{{B}[@]}}"; do',
        '  {w}ctl sync --{w} "${a}" --limit {n} || echo "failed: ${a}" >&2',
        "done",
        "export {A}_{B}={n}",
    ),
    "sql": (
        "SELECT {a}.id, {a}.{w}, count(*) AS total",
        "FROM {a} JOIN {b} ON {b}.{a}_id = {a}.id",
        "WHERE {a}.{w} > {n} AND {b}.name LIKE '%{w}%'  -- {s}",
        "GROUP BY {a}.id ORDER BY total DESC LIMIT {n};",
        "CREATE INDEX idx_{a}_{w} ON {a} ({w});",
    ),
    "html": (
        '<section class="{w}" id="{a}">',
        "  <h2>{s}</h2>",
        '  <a href="/{w}/{n}" data-{w}="{b}">{w}</a>',
        "</section>",
    ),
    "css": (
        ".{a} > .{b} {{",
        "  margin: {n}px 0; color: #{n}; /* {s} */",
        "}}",
        "@media (max-width: {n}px) {{ .{w} {{ display: none; }} }}",
    ),
    "json": (
        '{{"{a}": {n}, "{b}": "{s}"}}',
        '{{"{w}": [{n}, {n}], "enabled": true, "{a}": null}}',
    ),
    "yaml": (
        "{a}:",
        "  {w}: {n}",
        '  {b}: "{s}"',
        "  - name: {w}",
        "    enabled: true",
    ),
    "xml": (
        '<{a} {w}="{n}">',
        "  <{b}>{s}</{b}>",
        "  <!-- {s} -->",
        "</{a}>",
    ),
}
DOC_LANGUAGES: tuple[str, ...] = tuple(CODE_LINES)


def _identifier(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}{rng.choice(WORDS).capitalize()}{rng.randrange(100)}"


def code_sample(rng: random.Random, language: str, lines: int) -> str:
    """``lines`` lines of plausible ``language`` code, different on every call."""
    templates = CODE_LINES[language]
    start = rng.randrange(len(templates))
    out: list[str] = []
    for line in range(lines):
        a, b = _identifier(rng), _identifier(rng)
        out.append(
            templates[(start + line) % len(templates)].format(
                a=a,
                b=b,
                A=a[0].upper() + a[1:],
                B=b[0].upper() + b[1:],
                n=rng.randrange(1, 10_000),
                w=rng.choice(WORDS),
                s=sentence(rng, rng.randrange(3, 8))[:-1],
            )
        )
    return "\n".join(out)


def _code_macro(code: str, language: str) -> tuple[str, str]:
    storage = (
        f'<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">{language}'
        f"</ac:parameter><ac:plain-text-body><![CDATA[{code}]]></ac:plain-text-body>"
        "</ac:structured-macro>"
    )
    return storage, f'<pre><code class="{language}">{html.escape(code)}</code></pre>'


def _doc_paragraph(rng: random.Random, index: int) -> tuple[str, str]:
    words = rng.choice((4, 9, 16, 25, 40, 70))
    text = html.escape(sentence(rng, words))
    cut = rng.randrange(len(text) // 3, len(text))
    link = f"https://example.com/{rng.choice(WORDS)}/{rng.randrange(60)}"
    extra = rng.choice(
        (
            f' See <a href="{link}">{rng.choice(WORDS)}</a>.',
            f" Run <code>{rng.choice(WORDS)}ctl {rng.choice(WORDS)}</code>.",
            f" <em>{rng.choice(WORDS)}</em> is <u>{rng.choice(WORDS)}</u>.",
            "",
        )
    )
    markup = f"<p><strong>{text[:cut]}</strong>{text[cut:]}{extra}</p>"
    return markup, markup


def _doc_table(rng: random.Random) -> tuple[str, str]:
    rows, columns = rng.randrange(2, 13), rng.randrange(2, 8)
    header = "<tr>" + "".join(f"<th>{rng.choice(WORDS).title()}</th>" for _ in range(columns))
    body = "".join(
        "<tr>"
        + "".join(f"<td>{sentence(rng, rng.choice((1, 2, 3, 8)))}</td>" for _ in range(columns))
        + "</tr>"
        for _ in range(rows - 1)
    )
    table = f"<table><tbody>{header}</tr>{body}</tbody></table>"
    return table, table


def _doc_list(rng: random.Random) -> tuple[str, str]:
    def items(depth: int) -> str:
        inner = "".join(
            f"<li>{sentence(rng, rng.randrange(2, 12))}"
            + (items(depth + 1) if depth < 2 and rng.random() < 0.3 else "")
            + "</li>"
            for _ in range(rng.randrange(2, 6))
        )
        tag = "ol" if rng.random() < 0.4 else "ul"
        return f"<{tag}>{inner}</{tag}>"

    markup = items(0)
    return markup, markup


def _doc_image(rng: random.Random, index: int, number: int) -> tuple[str, str]:
    name = f"page-{index}-{number}.png"
    width = rng.choice((240, 360, 480, 600))
    storage = f'<ac:image ac:width="{width}"><ri:attachment ri:filename="{name}"/></ac:image>'
    return storage, f'<p><img src="{name}" width="{width}" alt="{name}"/></p>'


def _doc_admonition(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("info", "note", "tip", "warning"))
    text = html.escape(sentence(rng, rng.randrange(6, 30)))
    storage = (
        f'<ac:structured-macro ac:name="{kind}"><ac:rich-text-body><p>{text}</p>'
        "</ac:rich-text-body></ac:structured-macro>"
    )
    return storage, f'<div class="{kind}"><p>{text}</p></div>'


def documentation_page_parts(rng: random.Random, index: int) -> list[tuple[str, str]]:
    """(storage, html) fragments of one page of documentation: its shape differs
    from page to page (how many paragraphs, code blocks, tables, pictures)."""
    parts: list[tuple[str, str]] = []
    for section in range(rng.randrange(1, 4)):
        heading = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {index}.{section}"
        parts.append((f"<h1>{heading}</h1>", f"<h2>{heading}</h2>"))
        parts += [_doc_paragraph(rng, index) for _ in range(rng.randrange(1, 5))]
        roll = rng.random()
        if roll < 0.55:
            language = rng.choice(DOC_LANGUAGES)
            parts.append(_code_macro(code_sample(rng, language, rng.randrange(3, 41)), language))
        if rng.random() < 0.5:
            parts.append(_doc_table(rng))
        if rng.random() < 0.45:
            parts.append(_doc_list(rng))
        if rng.random() < 0.15:
            parts.append(_doc_admonition(rng))
        if rng.random() < 0.5:
            parts.append(_doc_image(rng, index, section))
    return parts


def documentation_space(pages: int, seed: int = 23) -> list[SyntheticPage]:
    """``pages`` pages of documentation whose content and shape vary page by page,
    in the tree of :func:`synthetic_space`."""
    return tree_of_pages(pages, seed, documentation_page_parts)


def write_page_images(pages: list[SyntheticPage], folder: Path, page_index: int) -> None:
    """The pictures page ``page_index`` refers to, each its own size and drawing."""
    for number in range(3):
        name = f"page-{page_index}-{number}.png"
        if name in pages[page_index].storage:
            rng = random.Random(page_index * 7 + number)
            image = Image.new("RGB", (rng.randrange(320, 1400), rng.randrange(160, 800)), "white")
            draw = ImageDraw.Draw(image)
            for _ in range(rng.randrange(2, 7)):
                x, y = rng.randrange(0, image.width - 100), rng.randrange(0, image.height - 60)
                colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                draw.rectangle((x, y, x + 100, y + 60), outline="navy", width=3, fill=colour)
                draw.text((x + 8, y + 24), f"{rng.choice(WORDS)} {page_index}", fill="black")
            image.save(folder / name)


def write_documentation_folder(pages: list[SyntheticPage], root: Path) -> Path:
    """Pages of :func:`documentation_space` as a ``pressroom render`` folder."""
    root.mkdir(parents=True, exist_ok=True)
    folder_of = {0: root}
    for index, page in enumerate(pages):
        parent = folder_of[page.depth]
        name = f"{index:05d} {page.title}"
        (parent / f"{name}.xml").write_text(page.storage, encoding="utf-8")
        write_page_images(pages, parent, index)
        folder_of[page.depth + 1] = parent / name
        folder_of[page.depth + 1].mkdir(exist_ok=True)
    return root


def write_documentation_html(pages: list[SyntheticPage], path: Path) -> Path:
    """The same pages as one HTML document, pictures beside it, for pandoc."""
    body = "".join(
        f"<h{page.depth + 1}>{html.escape(page.title)}</h{page.depth + 1}>{page.html}"
        for page in pages
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    for index in range(len(pages)):
        write_page_images(pages, path.parent, index)
    return path
