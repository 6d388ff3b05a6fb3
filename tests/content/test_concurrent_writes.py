"""Concurrent updates of one page: exactly one writer wins each version number."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from pressroom.auth.identity import Identity
from pressroom.auth.models import User
from pressroom.bootstrap import bootstrap
from pressroom.config import Settings
from pressroom.content.documents import (
    DocumentChange,
    create_document,
    update_document,
    versions_of,
)
from pressroom.content.models import Content
from pressroom.content.spaces import create_space
from pressroom.db import Database
from pressroom.errors import Conflict

WRITERS = 8
ROUNDS = 5


def _admin(db: Database) -> Identity:
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == "admin"))
        assert user is not None
        return Identity.of(user)


def test_each_version_number_has_exactly_one_winner(settings: Settings, db: Database) -> None:
    bootstrap(settings, db)
    admin = _admin(db)
    with db.write() as session:
        create_space(session, admin, "RACE", "Race")
        page_id = create_document(
            session, admin, content_type="page", space_key="RACE", title="Contended", body=""
        ).id

    outcomes: Counter[tuple[int, str]] = Counter()
    lock = threading.Lock()

    def writer(name: int, number: int, barrier: threading.Barrier) -> None:
        change = DocumentChange(version_number=number, body=f"<p>writer {name}</p>")
        barrier.wait()
        try:
            with db.write() as session:
                update_document(session, admin, page_id, change)
            result = "won"
        except Conflict:
            result = "conflict"
        with lock:
            outcomes[(number, result)] += 1

    for round_number in range(2, 2 + ROUNDS):
        barrier = threading.Barrier(WRITERS)
        threads = [
            threading.Thread(target=writer, args=(i, round_number, barrier)) for i in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    for round_number in range(2, 2 + ROUNDS):
        assert outcomes[(round_number, "won")] == 1
        assert outcomes[(round_number, "conflict")] == WRITERS - 1
    with db.read() as session:
        page = session.get(Content, page_id)
        assert page is not None and page.version == 1 + ROUNDS
        numbers = [v.number for v in versions_of(session, page)]
        assert numbers == list(range(1, 2 + ROUNDS))
        assert page.body == versions_of(session, page)[-1].body
