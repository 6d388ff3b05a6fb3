"""Conditional-content expressions and macros, as a variant reads them."""

from __future__ import annotations

import pytest

from pressroom.content.conditions import ConditionError, filter_storage, parse_condition

WINDOWS_PRO = {"platform": frozenset({"windows"}), "edition": frozenset({"pro", "enterprise"})}


def holds(text: str, selection: dict[str, frozenset[str]] = WINDOWS_PRO) -> bool:
    return parse_condition(text).holds(selection, lambda attribute: None)


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Platform = Windows", True),
        ("platform = WINDOWS", True),
        ("Platform = Linux", False),
        ("Platform != Windows", False),
        ("Edition != Pro", True),  # Enterprise is selected too
        ("Platform IN (Linux, Windows)", True),
        ("Platform NOT IN (Windows)", False),
        ("Platform = Linux OR Edition = Pro", True),
        ("Platform = Windows AND NOT Edition = Pro", False),
        ("(Platform = Linux OR Platform = Windows) AND Edition IN (Enterprise)", True),
        ('Edition = "Enterprise"', True),
        ("Region = EU", True),  # an attribute the variant does not restrict
        ("", True),
    ],
)
def test_expressions_read_as_the_variant_selects(text: str, result: bool) -> None:
    assert holds(text) is result


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Platform =", 11),
        ("Platform Windows", 10),
        ("(Platform = Windows", 20),
        ('Platform = "Win', 12),
        ("Platform = Windows Linux", 20),
        ("Platform IN Windows", 13),
    ],
)
def test_errors_say_where(text: str, position: int) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert caught.value.position == position
    assert f"at position {position}" in caught.value.message


def test_nesting_is_bounded() -> None:
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_condition("(" * 40 + "a = b" + ")" * 40)


def macro(body: str, **parameters: str) -> str:
    shown = "".join(
        f'<ac:parameter ac:name="{k}">{v}</ac:parameter>' for k, v in parameters.items()
    )
    return (
        f'<ac:structured-macro ac:name="conditional-content">{shown}'
        f"<ac:rich-text-body>{body}</ac:rich-text-body></ac:structured-macro>"
    )


def test_a_macro_keeps_its_body_in_matching_variants_and_drops_it_elsewhere() -> None:
    storage = "<p>a</p>" + macro("<p>win</p>", Platform="Windows, Mac") + "<p>z</p>"
    assert filter_storage(storage, WINDOWS_PRO) == ("<p>a</p><p>win</p><p>z</p>", [])
    linux = {"platform": frozenset({"linux"})}
    assert filter_storage(storage, linux) == ("<p>a</p><p>z</p>", [])
    assert filter_storage(storage, None)[0] == "<p>a</p><p>win</p><p>z</p>"


def test_an_inline_macro_gives_its_words_to_the_paragraph() -> None:
    storage = "<p>Press " + macro("<p><b>F1</b></p>", Platform="Windows") + " now.</p>"
    assert filter_storage(storage, WINDOWS_PRO)[0] == "<p>Press <b>F1</b> now.</p>"
    assert filter_storage(storage, {"platform": frozenset()})[0] == "<p>Press  now.</p>"


def test_nested_macros_and_unreadable_conditions() -> None:
    inner = macro("<p>pro</p>", Edition="Pro")
    storage = macro(f"<p>win</p>{inner}", Platform="Windows")
    assert filter_storage(storage, WINDOWS_PRO)[0] == "<p>win</p><p>pro</p>"
    broken = macro("<p>kept</p>", condition="Platform = (")
    kept, warnings = filter_storage(broken, WINDOWS_PRO)
    assert kept == "<p>kept</p>"
    assert warnings and "conditional content shown" in warnings[0]


def test_storage_without_such_macros_is_untouched() -> None:
    storage = "<p>caf&eacute; &amp; <ac:emoticon ac:name='smile'/></p>"
    assert filter_storage(storage, WINDOWS_PRO) == (storage, [])


def test_the_reader_shows_what_no_variant_removed() -> None:
    """``pressroom render`` reads storage no variant filtered: the bodies show, unwarned."""
    from pressroom.export.ast import inline_text, walk_blocks
    from pressroom.export.storage import read_storage

    storage = "<p>Press " + macro("<p>F1</p>", Platform="Windows") + " now.</p>"
    storage += macro("<p>Block body</p>", Platform="Linux")
    body = read_storage(storage)
    texts = [inline_text(b.children) for b in walk_blocks(body.blocks) if hasattr(b, "children")]
    assert "F1" in " ".join(texts) and "Block body" in texts
    assert body.warnings == []
