"""Conditional content: which parts of a page a variant shows.

A conditional-content macro (``conditional-content`` or ``scroll-conditional-content``,
block or inline) shows its body only in variants that match it. Its parameters name
attribute values: a parameter per attribute (``Platform`` = ``Windows, Linux``: any of
these), all of which must match, and optionally an expression in ``condition``::

    condition := or
    or        := and (OR and)*
    and       := not (AND not)*
    not       := NOT not | "(" or ")" | test
    test      := name ("=" | "!=") value
               | name [NOT] IN "(" value ("," value)* ")"

Names and values are bare words (``Platform``, ``Cloud-Server``) or strings in double
quotes with the escapes ``\\"`` and ``\\\\``; keywords and names are case-insensitive.
A variant selects values per attribute; an attribute it does not restrict counts as
every value selected. ``A = v`` holds when ``v`` is selected for ``A``, ``A IN (…)``
when any is, ``A != v`` when a value other than ``v`` is.

Exporting without a variant (``variantId`` omitted or ``all``) shows every body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, NoReturn, TypeAlias

from lxml import etree

from pressroom.errors import InvalidInput
from pressroom.export.storage_markup import AC_NAMESPACE
from pressroom.export.storage_parse import parse_storage

MACRO_NAMES: Final = frozenset({"conditional-content", "scroll-conditional-content"})
MAX_CONDITION_LENGTH: Final = 2000
MAX_DEPTH: Final = 32
# Parameters of the macro that name no attribute.
RESERVED_PARAMETERS: Final = frozenset({"", "condition", "atlassian-macro-output-type", "id"})

# attribute name (casefolded) -> selected value names (casefolded)
Selection: TypeAlias = Mapping[str, frozenset[str]]


class ConditionError(InvalidInput):
    """An expression Pressroom cannot read; ``position`` is 1-based."""

    def __init__(self, text: str, reason: str, position: int, hint: str = "") -> None:
        advice = f" {hint}" if hint else ""
        super().__init__(f"Condition '{text}': {reason} at position {position}.{advice}")
        self.position = position


# --- the tree -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Test:
    attribute: str
    values: frozenset[str]
    negated: bool = False  # != or NOT IN

    def holds(self, selection: Selection, unknown: Callable[[str], None]) -> bool:
        selected = selection.get(self.attribute)
        if selected is None:
            unknown(self.attribute)
            return True
        if self.negated:
            return bool(selected - self.values)
        return bool(selected & self.values)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition

    def holds(self, selection: Selection, unknown: Callable[[str], None]) -> bool:
        return not self.operand.holds(selection, unknown)


@dataclass(frozen=True, slots=True)
class AllOf:
    operands: tuple[Condition, ...]

    def holds(self, selection: Selection, unknown: Callable[[str], None]) -> bool:
        return all(operand.holds(selection, unknown) for operand in self.operands)


@dataclass(frozen=True, slots=True)
class AnyOf:
    operands: tuple[Condition, ...]

    def holds(self, selection: Selection, unknown: Callable[[str], None]) -> bool:
        return any(operand.holds(selection, unknown) for operand in self.operands)


Condition: TypeAlias = Test | Not | AllOf | AnyOf
ALWAYS: Final[Condition] = AllOf(())


# --- tokens and parser ----------------------------------------------------------------

TokenKind = Literal["word", "string", "=", "!=", "(", ")", ",", "end"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "(),=":
            tokens.append(Token(char, char, index + 1))  # type: ignore[arg-type]
            index += 1
        elif text.startswith("!=", index):
            tokens.append(Token("!=", "!=", index + 1))
            index += 2
        elif char == '"':
            index = _string(text, index, tokens)
        elif not char.isprintable() or char == "!":
            raise ConditionError(text, f"unexpected {char!r}", index + 1)
        else:
            start = index
            while index < len(text) and not (
                text[index].isspace() or text[index] in '(),=!"' or not text[index].isprintable()
            ):
                index += 1
            tokens.append(Token("word", text[start:index], start + 1))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _string(text: str, start: int, tokens: list[Token]) -> int:
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == '"':
            tokens.append(Token("string", "".join(chars), start + 1))
            return index + 1
        if char == "\\" and text[index + 1 : index + 2] in ('"', "\\"):
            chars.append(text[index + 1])
            index += 2
            continue
        chars.append(char)
        index += 1
    raise ConditionError(text, "unterminated string", start + 1, 'Close it with ".')


def parse_condition(text: str) -> Condition:
    """The tree of ``text`` (an empty text always holds)."""
    if len(text) > MAX_CONDITION_LENGTH:
        raise ConditionError(text[:40] + "…", "too long", MAX_CONDITION_LENGTH)
    if not text.strip():
        return ALWAYS
    return _Parser(text).condition()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    def condition(self) -> Condition:
        tree = self.disjunction()
        if self.peek.kind != "end":
            self.fail(f"unexpected {self.peek.text!r}", "Join tests with AND or OR.")
        return tree

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def keyword(self, word: str) -> bool:
        if self.peek.kind == "word" and self.peek.text.upper() == word:
            self.take()
            return True
        return False

    def expect(self, kind: TokenKind, hint: str) -> Token:
        if self.peek.kind != kind:
            shown = "the end" if self.peek.kind == "end" else repr(self.peek.text)
            self.fail(f"expected {kind!r}, found {shown}", hint)
        return self.take()

    def fail(self, reason: str, hint: str = "") -> NoReturn:
        raise ConditionError(self.text, reason, self.peek.position, hint)

    def disjunction(self) -> Condition:
        operands = [self.conjunction()]
        while self.keyword("OR"):
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def conjunction(self) -> Condition:
        operands = [self.negation()]
        while self.keyword("AND"):
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def negation(self) -> Condition:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail("nested too deeply", f"Use at most {MAX_DEPTH} levels.")
        try:
            if self.keyword("NOT"):
                return Not(self.negation())
            if self.peek.kind == "(":
                self.take()
                inner = self.disjunction()
                self.expect(")", "Close the parenthesis.")
                return inner
            return self.test()
        finally:
            self.depth -= 1

    def name(self, what: str) -> str:
        if self.peek.kind not in ("word", "string"):
            self.fail(f"expected {what}", "Write e.g. Platform = Windows.")
        return self.take().text.strip().casefold()

    def test(self) -> Condition:
        attribute = self.name("an attribute name")
        if self.peek.kind in ("=", "!="):
            negated = self.take().kind == "!="
            return Test(attribute, frozenset({self.name("a value")}), negated)
        negated = self.keyword("NOT")
        if not self.keyword("IN"):
            self.fail("expected =, != or IN", "Write e.g. Platform IN (Windows, Linux).")
        self.expect("(", "Put the values in parentheses.")
        values = {self.name("a value")}
        while self.peek.kind == ",":
            self.take()
            values.add(self.name("a value"))
        self.expect(")", "Close the list of values.")
        return Test(attribute, frozenset(values), negated)


# --- macros in storage format ---------------------------------------------------------

_AC_NAME = f"{{{AC_NAMESPACE}}}name"
_MACROS = (f"{{{AC_NAMESPACE}}}structured-macro", f"{{{AC_NAMESPACE}}}macro")
_PARAMETER = f"{{{AC_NAMESPACE}}}parameter"
_BODY = f"{{{AC_NAMESPACE}}}rich-text-body"
_INLINE_PARENTS: Final = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "del",
        "sub",
        "sup",
        "small",
        "big",
        "code",
        "a",
    }
)


def macro_condition(parameters: Mapping[str, str]) -> Condition:
    """The condition of a macro with these parameters (attribute name -> value list)."""
    tests: list[Condition] = []
    for name, value in parameters.items():
        if name.strip().casefold() in RESERVED_PARAMETERS:
            continue
        values = frozenset(v.strip().casefold() for v in value.split(",") if v.strip())
        if values:
            tests.append(Test(name.strip().casefold(), values))
    expression = parameters.get("condition") or parameters.get("") or ""
    if expression.strip():
        tests.append(parse_condition(expression))
    return tests[0] if len(tests) == 1 else AllOf(tuple(tests))


def has_conditional_content(storage: str) -> bool:
    return "conditional-content" in storage


def filter_storage(storage: str, selection: Selection | None) -> tuple[str, list[str]]:
    """``storage`` with each conditional-content macro replaced by its body where
    ``selection`` matches it (always, when ``selection`` is None) and removed elsewhere;
    the warnings name what could not be read (such a macro keeps its body)."""
    if not has_conditional_content(storage):
        return storage, []
    warnings: list[str] = []
    root = parse_storage(storage, warnings)
    if root is None:
        return storage, warnings
    if not _filter_children(root, selection, warnings):
        return storage, warnings
    whole = etree.tostring(root, encoding=str)  # the synthetic root declares the prefixes
    inner = whole[whole.index(">") + 1 : whole.rindex("</")] if len(root) or root.text else ""
    return inner, list(dict.fromkeys(warnings))


def _filter_children(
    element: etree._Element, selection: Selection | None, warnings: list[str]
) -> bool:
    """Filter below ``element``; whether anything changed."""
    changed = False
    for child in list(element):
        if child.tag in _MACROS and (child.get(_AC_NAME) or "").strip().lower() in MACRO_NAMES:
            keep = _matches(child, selection, warnings)
            _filter_children(child, selection, warnings)
            _replace(child, _body_of(child, element) if keep else [])
            changed = True
        elif isinstance(child.tag, str):
            changed = _filter_children(child, selection, warnings) or changed
    return changed


def _matches(macro: etree._Element, selection: Selection | None, warnings: list[str]) -> bool:
    if selection is None:
        return True
    parameters = {
        (p.get(_AC_NAME) or ""): "".join(str(t) for t in p.itertext())
        for p in macro
        if p.tag == _PARAMETER
    }
    try:
        condition = macro_condition(parameters)
    except ConditionError as error:
        warnings.append(f"conditional content shown: {error.message}")
        return True

    def unknown(attribute: str) -> None:
        if attribute not in selection:
            warnings.append(
                f"conditional content names attribute '{attribute}', which the variant "
                "does not restrict"
            )

    return condition.holds(selection, unknown)


def _body_of(macro: etree._Element, parent: etree._Element) -> list[etree._Element | str]:
    """The body's nodes; inside a paragraph or other inline parent, the paragraphs of
    the body give their contents (an inline macro's body may be wrapped in ``<p>``)."""
    body = next((child for child in macro if child.tag == _BODY), None)
    if body is None:
        return []
    inline = isinstance(parent.tag, str) and etree.QName(parent).localname in _INLINE_PARENTS
    nodes: list[etree._Element | str] = [body.text] if body.text else []
    for child in body:
        if inline and isinstance(child.tag, str) and etree.QName(child).localname == "p":
            nodes.extend([child.text] if child.text else [])
            nodes.extend(child)
            nodes.extend([child.tail] if child.tail else [])
            continue
        nodes.append(child)
    return nodes


def _replace(element: etree._Element, nodes: list[etree._Element | str]) -> None:
    """Put ``nodes`` (elements and text) where ``element`` is, keeping its tail."""
    parent = element.getparent()
    assert parent is not None
    tail = element.tail or ""
    index = parent.index(element)
    parent.remove(element)
    texts: list[str] = []
    elements: list[etree._Element] = []
    # Text before the first element joins the previous node's text; text after an
    # element joins that element's tail.
    for node in nodes:
        if isinstance(node, str):
            if elements:
                elements[-1].tail = (elements[-1].tail or "") + node
            else:
                texts.append(node)
        else:
            elements.append(node)
    leading = "".join(texts)
    if index == 0:
        parent.text = (parent.text or "") + leading
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + leading
    for offset, node in enumerate(elements):
        parent.insert(index + offset, node)
    if elements:
        elements[-1].tail = (elements[-1].tail or "") + tail
    elif index == 0:
        parent.text = (parent.text or "") + tail
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + tail
