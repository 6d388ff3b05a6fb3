"""The ``pressroom`` command's entry point: ``pressroom render`` starts without
importing the server, the database layer or the auth code; everything else is
:mod:`pressroom.cli`."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["render"]:
        from pressroom.render_command import main as render

        sys.exit(render(sys.argv[2:]))
    from pressroom.cli import main as full_command

    full_command()


if __name__ == "__main__":
    main()
