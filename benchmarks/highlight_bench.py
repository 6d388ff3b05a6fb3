"""Highlighters compared on the Word benchmark's code (twenty most used languages,
different lines on every sample): Pygments (what the writer uses) against syntect
(Sublime Text grammars in Rust, the ``syntect-py`` wheel) when it is installed.

Per language: the one-off cost of the first use (Pygments compiles a lexer's regular
expressions once per process; syntect compiles a grammar on its first use, so its
first pass over the samples is shown beside a second), the time to tokenise the
samples, and how much of the text each colours (characters not in the default
colour: a rough measure of what a reader sees highlighted).

Run: ``python -m benchmarks.highlight_bench [--samples 100]``.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from benchmarks.content import CODE_LINES, code_sample

# Confluence's language names → syntect's syntax names (None: syntect has none).
SYNTECT_NAMES: dict[str, str | None] = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "java": "Java",
    "csharp": "C#",
    "cpp": "C++",
    "c": "C",
    "php": "PHP",
    "go": "Go",
    "rust": "Rust",
    "kotlin": None,
    "ruby": "Ruby",
    "swift": None,
    "bash": "Bash",
    "sql": "SQL",
    "html": "HTML",
    "css": "CSS",
    "json": "JSON",
    "yaml": "YAML",
    "xml": "XML",
}


def samples(language: str, count: int) -> list[str]:
    rng = random.Random(language)
    return [code_sample(rng, language, rng.randrange(3, 41)) for _ in range(count)]


def pygments_run(language: str, codes: list[str]) -> tuple[float, float, float]:
    from pygments.lexers import get_lexer_by_name
    from pygments.styles import get_style_by_name

    style = get_style_by_name("default")

    started = time.perf_counter()
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    first = time.perf_counter() - started
    coloured = total = 0
    started = time.perf_counter()
    for code in codes:
        for kind, value in lexer.get_tokens(code):
            visible = len(value.strip())
            total += visible
            while not style.styles_token(kind) and kind.parent is not None:
                kind = kind.parent
            if style.style_for_token(kind)["color"]:
                coloured += visible
    return first, time.perf_counter() - started, coloured / max(total, 1)


def syntect_run(
    module: Any, assets: tuple[Any, Any], name: str, codes: list[str]
) -> tuple[float, float, float]:
    """Cold (the grammar's first use compiles it) and warm time, coloured share."""
    started = time.perf_counter()
    _syntect_pass(module, assets, name, codes)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    share = _syntect_pass(module, assets, name, codes)
    return cold, time.perf_counter() - started, share


def _syntect_pass(module: Any, assets: tuple[Any, Any], name: str, codes: list[str]) -> float:
    syntax_set, theme_set = assets
    coloured = total = 0
    default = None
    for code in codes:
        result = module.highlight_string(code, name, "InspiredGitHub", syntax_set, theme_set)
        for style, text in result.tokens:
            colour = (style.foreground.r, style.foreground.g, style.foreground.b)
            default = default or colour
            visible = len(text.strip())
            total += visible
            coloured += visible if colour != default else 0
    return coloured / max(total, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=100, help="Code blocks per language")
    args = parser.parse_args(argv)
    try:
        import syntect
    except ImportError:
        syntect = None
    assets = None
    if syntect is not None:
        started = time.perf_counter()
        assets = (syntect.SyntaxSet.load_defaults(True), syntect.get_theme_set())
        print(f"syntect: grammar and theme sets loaded in {time.perf_counter() - started:.2f} s")
    print(
        f"{'language':<11} {'lines':>6}  {'pygments first/lex/coloured':>30}  "
        f"{'syntect first/lex/coloured':>28}"
    )
    totals = [0.0, 0.0, 0.0, 0.0]
    for language in CODE_LINES:
        codes = samples(language, args.samples)
        lines = sum(code.count("\n") + 1 for code in codes)
        first, lexing, share = pygments_run(language, codes)
        totals[0] += first
        totals[1] += lexing
        row = f"{language:<11} {lines:>6}  {first:8.3f} s {lexing:7.3f} s {share:6.0%}     "
        name = SYNTECT_NAMES.get(language)
        if syntect is not None and assets is not None and name is not None:
            cold, warm, theirs = syntect_run(syntect, assets, name, codes)
            totals[2] += cold
            totals[3] += warm
            row += f"{cold:8.3f} s {warm:7.3f} s {theirs:6.0%}"
        else:
            row += f"{'(none)':>17}"
        print(row, flush=True)
    print(
        f"total: pygments first use {totals[0]:.2f} s + lexing {totals[1]:.2f} s; "
        f"syntect first pass {totals[2]:.2f} s, second pass {totals[3]:.2f} s "
        "(its languages only)"
    )


if __name__ == "__main__":
    main()
