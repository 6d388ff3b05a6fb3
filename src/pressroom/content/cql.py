"""CQL, the Confluence Query Language: tokenizer, parser (to a small AST) and compiler.

The subset Pressroom answers::

    query   := or [ORDER BY order ("," order)*]
    or      := and (OR and)*
    and     := not (AND not)*
    not     := NOT not | "(" or ")" | clause
    clause  := field ("=" | "!=" | "~" | "!~") value
             | field [NOT] IN "(" value ("," value)* ")"
    order   := (title | id | created | lastmodified) [ASC | DESC]

Values are bare words (``DEV``, ``123``, ``my-label``) or strings in double or single
quotes with the escapes ``\\"``, ``\\'`` and ``\\\\``. Keywords and field names are
case-insensitive. Every error names what is wrong and its 1-based position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select, true
from sqlalchemy.orm import aliased

from pressroom.auth.models import User
from pressroom.content.models import Content, Label, Space, content_labels
from pressroom.errors import InvalidInput
from pressroom.ids import parse_content_id

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 50

EQUALITY = ("=", "!=", "in", "not in")
MATCHING = ("~", "!~")
FIELD_OPERATORS: dict[str, tuple[str, ...]] = {
    "ancestor": EQUALITY,
    "creator": EQUALITY,
    "id": EQUALITY,
    "label": EQUALITY,
    "parent": EQUALITY,
    "space": EQUALITY,
    "space.key": EQUALITY,
    "text": MATCHING,
    "title": EQUALITY + MATCHING,
    "type": EQUALITY,
}
NUMERIC_FIELDS = frozenset({"ancestor", "id", "parent"})
ORDER_FIELDS = ("title", "id", "created", "lastmodified")
SYMBOLS = "()=!~,<>"


class CqlSyntaxError(InvalidInput):
    """A query Pressroom cannot parse or answer; ``position`` is 1-based."""

    def __init__(self, cql: str, reason: str, position: int | None = None, hint: str = "") -> None:
        where = f" at position {position}" if position is not None else ""
        advice = f" {hint}" if hint else ""
        shown = "".join(char if char.isprintable() else " " for char in cql)
        super().__init__(f"Could not parse cql : {shown} : {reason}{where}.{advice}")
        self.reason = reason
        self.position = position


# --- tokens ---------------------------------------------------------------------------

TokenKind = Literal["word", "string", "operator", "(", ")", ",", "end"]
PUNCTUATION: dict[str, TokenKind] = {"(": "(", ")": ")", ",": ","}


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    position: int

    def shown(self) -> str:
        return "the end of the query" if self.kind == "end" else repr(self.text)


def tokenize(cql: str) -> list[Token]:
    """The tokens of ``cql``, ending with an ``end`` token."""
    tokens: list[Token] = []
    index = 0
    while index < len(cql):
        char = cql[index]
        if char.isspace():
            index += 1
        elif char in "\"'":
            index = _read_string(cql, index, tokens)
        elif char in PUNCTUATION:
            tokens.append(Token(PUNCTUATION[char], char, index + 1))
            index += 1
        elif char in "=~<>!":
            index = _read_operator(cql, index, tokens)
        elif not char.isprintable():
            raise CqlSyntaxError(cql, f"control character {char!r} is not allowed", index + 1)
        else:
            index = _read_word(cql, index, tokens)
    tokens.append(Token("end", "", len(cql) + 1))
    return tokens


def _read_string(cql: str, start: int, tokens: list[Token]) -> int:
    quote = cql[start]
    chars: list[str] = []
    index = start + 1
    while index < len(cql):
        char = cql[index]
        if char == quote:
            tokens.append(Token("string", "".join(chars), start + 1))
            return index + 1
        if char == "\\":
            escaped = cql[index + 1 : index + 2]
            if not escaped:
                break
            if escaped not in ('"', "'", "\\"):
                raise CqlSyntaxError(
                    cql,
                    f"unknown escape '\\{escaped}'",
                    index + 1,
                    "Inside quotes only \\\", \\' and \\\\ are escapes.",
                )
            chars.append(escaped)
            index += 2
            continue
        if not char.isprintable() and not char.isspace():
            raise CqlSyntaxError(cql, f"control character {char!r} is not allowed", index + 1)
        chars.append(char)
        index += 1
    raise CqlSyntaxError(cql, f"unclosed quote {quote}", start + 1)


def _read_operator(cql: str, start: int, tokens: list[Token]) -> int:
    pair = cql[start : start + 2]
    if pair in ("!=", "!~", "<=", ">="):
        tokens.append(Token("operator", pair, start + 1))
        return start + 2
    if cql[start] == "!":
        raise CqlSyntaxError(cql, "'!' must be followed by '=' or '~'", start + 1)
    tokens.append(Token("operator", cql[start], start + 1))
    return start + 1


def _read_word(cql: str, start: int, tokens: list[Token]) -> int:
    index = start
    while index < len(cql):
        char = cql[index]
        if char.isspace() or char in SYMBOLS or char in "\"'" or not char.isprintable():
            break
        index += 1
    tokens.append(Token("word", cql[start:index], start + 1))
    return index


# --- syntax tree ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clause:
    """``field operator values``; ``operator`` is one of =, !=, ~, !~, in, not in."""

    field: str
    operator: str
    values: tuple[str, ...]
    position: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expression


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expression, ...]


Expression = Clause | Not | And | Or


@dataclass(frozen=True, slots=True)
class Ordering:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class CqlQuery:
    where: Expression
    order_by: tuple[Ordering, ...] = ()


# --- parser ---------------------------------------------------------------------------


def parse_cql(cql: str) -> CqlQuery:
    """The AST of ``cql``; raises :class:`CqlSyntaxError` on anything it cannot answer."""
    if len(cql) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"The cql query is {len(cql)} characters long; the limit is {MAX_QUERY_LENGTH}."
        )
    if not cql.strip():
        raise CqlSyntaxError(cql, "the query is empty; write e.g. type = page AND space = DEV")
    return CqlParser(cql).query()


class CqlParser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, cql: str) -> None:
        self.cql = cql
        self.tokens = tokenize(cql)
        self.index = 0
        self.depth = 0

    def query(self) -> CqlQuery:
        where = self.disjunction()
        order: tuple[Ordering, ...] = ()
        if self._is_keyword("order"):
            order = self.order_by()
        token = self._peek()
        if token.kind == ")":
            self._fail("unbalanced parentheses: unmatched ')'", token)
        if token.kind != "end":
            self._fail(f"expected AND, OR or ORDER BY, found {token.shown()}", token)
        return CqlQuery(where, order)

    def disjunction(self) -> Expression:
        operands = [self.conjunction()]
        while self._is_keyword("or"):
            self._advance()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self) -> Expression:
        operands = [self.negation()]
        while self._is_keyword("and"):
            self._advance()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def negation(self) -> Expression:
        token = self._peek()
        if not (self._is_keyword("not") or token.kind == "("):
            return self.clause()
        # Each NOT and "(" is one level: the bound keeps recursion (and SQL) shallow.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self._fail(f"the query nests deeper than {MAX_DEPTH} levels", token)
        try:
            if token.kind == "(":
                return self._group()
            self._advance()
            return Not(self.negation())
        finally:
            self.depth -= 1

    def _group(self) -> Expression:
        opening = self._advance()
        inner = self.disjunction()
        token = self._peek()
        if token.kind != ")":
            if token.kind == "end":
                self._fail("unbalanced parentheses: unclosed '('", opening)
            self._fail(f"expected ')' or AND/OR, found {token.shown()}", token)
        self._advance()
        return inner

    def clause(self) -> Clause:
        token = self._advance()
        if token.kind != "word" or token.text.lower() in ("and", "or", "order"):
            self._fail(f"expected a field name, found {token.shown()}", token)
        field = token.text.lower()
        if field not in FIELD_OPERATORS:
            self._fail(
                f"unknown field {token.text!r}",
                token,
                f"Supported fields: {', '.join(sorted(FIELD_OPERATORS))}.",
            )
        operator = self._operator(field)
        listed = operator in ("in", "not in")
        values = self._value_list(field) if listed else (self._value(field),)
        return Clause(field, operator, values, token.position)

    def _operator(self, field: str) -> str:
        token = self._advance()
        operator = token.text if token.kind == "operator" else ""
        if token.kind == "word" and token.text.lower() == "in":
            operator = "in"
        elif token.kind == "word" and token.text.lower() == "not":
            if not self._is_keyword("in"):
                self._fail("expected IN after NOT", self._peek())
            self._advance()
            operator = "not in"
        if not operator:
            self._fail(
                f"expected an operator (=, !=, ~, !~, IN, NOT IN) after {field!r}, "
                f"found {token.shown()}",
                token,
            )
        allowed = FIELD_OPERATORS[field]
        if operator not in allowed:
            shown = ", ".join(a.upper() for a in allowed)
            self._fail(
                f"operator {operator.upper()!r} is not allowed for {field!r}",
                token,
                f"Use {shown} with {field!r}.",
            )
        return operator

    def _value(self, field: str) -> str:
        token = self._advance()
        if token.kind == "end":
            self._fail(f"missing value for {field!r}", token)
        if token.kind not in ("word", "string"):
            self._fail(f"expected a value for {field!r}, found {token.shown()}", token)
        if field in NUMERIC_FIELDS and parse_content_id(token.text) is None:
            self._fail(f"{field!r} takes a numeric content id, not {token.text!r}", token)
        return token.text

    def _value_list(self, field: str) -> tuple[str, ...]:
        opening = self._advance()
        if opening.kind != "(":
            self._fail(
                f"expected '(' to start the list of values, found {opening.shown()}", opening
            )
        values = [self._value(field)]
        while self._peek().kind == ",":
            self._advance()
            values.append(self._value(field))
        closing = self._advance()
        if closing.kind == "end":
            self._fail("unbalanced parentheses: unclosed '('", opening)
        if closing.kind != ")":
            self._fail(f"expected ',' or ')' in the list, found {closing.shown()}", closing)
        return tuple(values)

    def order_by(self) -> tuple[Ordering, ...]:
        self._advance()
        if not self._is_keyword("by"):
            self._fail("expected BY after ORDER", self._peek())
        self._advance()
        orderings = [self._ordering()]
        while self._peek().kind == ",":
            self._advance()
            orderings.append(self._ordering())
        return tuple(orderings)

    def _ordering(self) -> Ordering:
        token = self._advance()
        field = token.text.lower()
        if token.kind != "word" or field not in ORDER_FIELDS:
            self._fail(
                f"cannot order by {token.shown()}",
                token,
                f"Order by one of: {', '.join(ORDER_FIELDS)}.",
            )
        descending = False
        if self._is_keyword("asc") or self._is_keyword("desc"):
            descending = self._advance().text.lower() == "desc"
        return Ordering(field, descending)

    def _peek(self) -> Token:
        return self.tokens[self.index]

    def _advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def _is_keyword(self, word: str) -> bool:
        token = self._peek()
        return token.kind == "word" and token.text.lower() == word

    def _fail(self, reason: str, token: Token, hint: str = "") -> NoReturn:
        raise CqlSyntaxError(self.cql, reason, token.position, hint)


# --- compiler -------------------------------------------------------------------------


class CqlCompiler:
    """The AST as a where-clause over :class:`Content`.

    Every predicate is TRUE or FALSE, never SQL NULL, so that NOT and != also
    match content where a column (parent, creator) is empty.
    """

    def __init__(self) -> None:
        self._tree_count = 0

    def where(self, expression: Expression) -> ColumnElement[bool]:
        match expression:
            case And(operands):
                return and_(*(self.where(operand) for operand in operands))
            case Or(operands):
                return or_(*(self.where(operand) for operand in operands))
            case Not(operand):
                return not_(self.where(operand))
            case Clause():
                return self.clause(expression)

    def clause(self, clause: Clause) -> ColumnElement[bool]:
        if clause.operator in MATCHING:
            predicate = _contains(clause.field, clause.values[0])
        else:
            predicate = self._equals(clause.field, clause.values)
        return not_(predicate) if clause.operator in ("!=", "!~", "not in") else predicate

    def _equals(self, field: str, values: tuple[str, ...]) -> ColumnElement[bool]:
        if field in NUMERIC_FIELDS:
            ids = [int(value) for value in values]
            if field == "ancestor":
                return self._descends_from(ids)
            if field == "parent":
                return and_(Content.parent_id.is_not(None), Content.parent_id.in_(ids))
            return Content.id.in_(ids)
        if field == "type":
            return Content.type.in_([value.lower() for value in values])
        if field in ("space", "space.key"):
            keys = [value.lower() for value in values]
            return Content.space_id.in_(select(Space.id).where(func.lower(Space.key).in_(keys)))
        if field == "label":
            return _labelled(values)
        if field == "creator":
            return exists().where(User.id == Content.creator_id, User.username.in_(values))
        return Content.title.in_(values)

    def _descends_from(self, ids: list[int]) -> ColumnElement[bool]:
        # Each ancestor clause gets its own CTE name: one statement may hold several.
        self._tree_count += 1
        tree = (
            select(Content.id)
            .where(Content.parent_id.in_(ids))
            .cte(f"descendants_{self._tree_count}", recursive=True)
        )
        child = aliased(Content)
        # UNION (not UNION ALL) stops the walk even if a parent chain ever loops.
        tree = tree.union(select(child.id).where(child.parent_id == tree.c.id))
        return Content.id.in_(select(tree.c.id))


def _labelled(values: tuple[str, ...]) -> ColumnElement[bool]:
    names = [value.lower() for value in values]
    return exists().where(
        content_labels.c.content_id == Content.id,
        content_labels.c.label_id == Label.id,
        Label.name.in_(names),
    )


def _contains(field: str, text: str) -> ColumnElement[bool]:
    """Every word of ``text`` occurs, case-insensitively, in the title (or the body for
    ``text``); ``*`` and ``?`` are wildcards, SQL's own ``%`` and ``_`` are literal."""
    columns = [Content.title, Content.body] if field == "text" else [Content.title]
    words = text.split()
    if not words:
        return true()
    conditions = []
    for word in words:
        pattern = f"%{_like_pattern(word)}%"
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return and_(*conditions)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


ORDER_COLUMNS = {
    "title": Content.title,
    "id": Content.id,
    "created": Content.created_at,
    "lastmodified": Content.modified_at,
}


def compile_where(query: CqlQuery) -> ColumnElement[bool]:
    return CqlCompiler().where(query.where)


def compile_order(query: CqlQuery) -> list[ColumnElement[Any]]:
    """The ORDER BY columns, ending with the id so paging is stable."""
    columns: list[ColumnElement[Any]] = []
    for ordering in query.order_by:
        column = ORDER_COLUMNS[ordering.field]
        columns.append(column.desc() if ordering.descending else column.asc())
    if not any(ordering.field == "id" for ordering in query.order_by):
        columns.append(Content.id.asc())
    return columns
