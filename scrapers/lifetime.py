"""Child processes that die with the process that started them, even when it is SIGKILLed.

    subprocess.Popen(command, preexec_fn=die_with_parent)

On Linux the child asks the kernel (prctl PR_SET_PDEATHSIG) for SIGKILL when its parent thread
ends; elsewhere it does nothing (the crawl timeout still bounds the child).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Run in the child between fork and exec: SIGKILL this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
