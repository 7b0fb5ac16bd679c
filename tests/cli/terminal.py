"""Running gilsim with its stderr on a pseudo-terminal, as a user's terminal would be."""

import os
import pty
import subprocess
import sys


def on_a_terminal(*args, cwd=None):
    """Run ``gilsim ARGS`` with its stderr on a pseudo-terminal; its exit status, stdout
    and what the terminal received."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "gilsim", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=cwd,
    )
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's last writer has gone
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    stdout = process.stdout.read()
    process.stdout.close()
    return process.wait(timeout=120), stdout.decode(), received.decode()
