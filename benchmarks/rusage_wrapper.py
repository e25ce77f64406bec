"""``python -I -S rusage_wrapper.py OUT CMD...``: a stand-in for ``/usr/bin/time -f '%e %U %S %M' -o OUT``.

Used only where GNU time is missing. Why a wrapper at all instead of ``os.wait4`` on the tool
directly: a child's ``ru_maxrss`` includes the memory of the process that forked it, as it was when
the child called ``exec`` (Linux records the old address space's high-water mark at exec). Spawned
from the benchmark harness, every tool would be charged the harness's ~30 MiB; spawned from this
small interpreter (``-I -S``: no site-packages), the bias is this process's ~8 MiB, which the README
states. GNU time, a small C program, has ~1 MiB of bias.

Writes one line, ``elapsed user system maxrss_kib``, and exits with the command's exit code (128 +
the signal number when it was killed), like GNU time.
"""

import os
import sys
import time


def main() -> int:
    out, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - replaced by exec
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    with open(out, "w") as handle:
        handle.write(f"{elapsed:.4f} {usage.ru_utime:.4f} {usage.ru_stime:.4f} {usage.ru_maxrss}\n")
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
