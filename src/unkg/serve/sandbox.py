"""What a server process may do once it serves: no new network socket, and a ceiling on its memory.

pyoxigraph evaluates ``SERVICE`` itself, with an HTTP client of its own, and
its Python API has no switch to turn that off. The endpoint refuses SERVICE on
the parsed query (``protocol.service_refusal``); this is the second wall,
which holds whatever a parser misses: once a server process serves, the
kernel refuses it every new socket but a Unix one (a seccomp filter on
``socket(2)``, and on ``io_uring_setup(2)``, which could open sockets
without it), in all its threads. The process still accepts and answers its
connections (they are made by ``accept``, or handed over a Unix socket by the
supervisor); it can no longer connect anywhere, nor look a name up, so a
SERVICE call fails the same way for every address (no port-scan oracle).

The memory ceiling is ``RLIMIT_DATA`` (private writable memory: the heap,
anonymous mappings) at twice ``max_memory``: the memory watchdog of the
query pool (``pool.MemoryWatch``) retires the process cleanly at
``max_memory``; the limit is the floor under it should one allocation jump
past the watchdog between two of its looks.

``lock_down`` is called at the first request a process serves, not when the
app starts: a single uvicorn process binds its listening socket after the
app's startup. It is Linux-only; elsewhere (or without libseccomp) the
server says so once and relies on the parsed-query check alone.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys

from unkg.watchdog import cap_data_memory

logger = logging.getLogger("uvicorn.error")


def forbid_network() -> str | None:
    """Refuse this process (every thread) any new socket but a Unix one; None when done, else why it could not."""
    if not sys.platform.startswith("linux"):
        return f"no seccomp on {sys.platform}"
    try:
        import pyseccomp as seccomp
    except (ImportError, RuntimeError) as exc:  # RuntimeError: libseccomp is not installed
        return f"pyseccomp cannot be used: {exc}"
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        refuse = seccomp.ERRNO(errno.EACCES)
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        rules.add_rule(refuse, "io_uring_setup")
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # every thread of the process, the query threads included
        rules.load()
    except OSError as exc:
        return f"the kernel refused the filter: {exc}"
    return None


def limit_memory(max_memory_mib: int) -> str | None:
    """Cap this process's private writable memory at twice ``max_memory_mib``; None when done, else why not."""
    if max_memory_mib <= 0:
        return None
    return cap_data_memory(2 * max_memory_mib * 1024 * 1024)


def lock_down(max_memory_mib: int) -> list[str]:
    """Both of the above for this process; what could not be done (also logged), empty when all was."""
    problems = []
    if why := forbid_network():
        problems.append(f"outbound connections are not blocked by the kernel ({why}); SERVICE is still refused "
                        "on the parsed query")  # fmt: skip
    if why := limit_memory(max_memory_mib):
        problems.append(f"no hard memory ceiling ({why}); the memory watchdog still retires the process")
    for problem in problems:
        logger.warning("unkg serve: %s", problem)
    return problems
