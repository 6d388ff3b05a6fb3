"""The process that compiles one Typst document (run as a script: it imports nothing
of Pressroom, so it starts in milliseconds).

It reads its request as JSON on standard input, limits its own memory and CPU time
with ``resource.setrlimit`` before Typst is loaded, compiles with the compile folder
as Typst's root (files outside it cannot be read), and answers one JSON line on
standard output. Package downloads go to a proxy that does not exist, so a template
that imports ``@preview/…`` fails at once instead of reaching the network.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
from typing import Any

DEAD_PROXY = "http://127.0.0.1:9"


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _compile(request: dict[str, Any], fonts: Any = None) -> dict[str, Any]:
    import typst

    root = request["root"]
    empty = os.path.join(root, ".packages")
    os.makedirs(empty, exist_ok=True)
    compiler = typst.Compiler(
        os.path.join(root, request["main"]),
        root=root,
        font_paths=fonts if fonts is not None else request["font_paths"],
        package_path=empty,
        package_cache_path=empty,
    )
    try:
        _, warnings = compiler.compile_with_warnings(
            output=request["output"],
            format="pdf",
            pdf_standards=request["standards"],
            timestamp=request["timestamp"],
        )
    except typst.TypstError as exc:
        return {"ok": False, "message": exc.message, "diagnostic": exc.diagnostic}
    return {"ok": True, "warnings": [w.message for w in warnings]}


def _no_network() -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        os.environ[name] = DEAD_PROXY
    os.environ.pop("NO_PROXY", None)
    os.environ.pop("no_proxy", None)


def serve(memory_bytes: int) -> None:
    """Warm mode: one request per line on standard input, one answer line each, fonts
    found once. The CPU limit is renewed per request (the soft limit moves on from
    the CPU time used so far); the memory limit holds for the process."""
    import typst

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    fonts = typst.Fonts()
    for line in sys.stdin:
        request = json.loads(line)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = math.ceil(usage.ru_utime + usage.ru_stime)
        limit = used + int(request["cpu_seconds"])
        resource.setrlimit(resource.RLIMIT_CPU, (limit, resource.RLIM_INFINITY))
        sys.stdout.write(json.dumps(_compile(request, fonts)) + "\n")
        sys.stdout.flush()


def main() -> None:
    _no_network()
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
        return
    request = json.loads(sys.stdin.read())
    _limit(int(request["memory_bytes"]), int(request["cpu_seconds"]))
    result = _compile(request)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
