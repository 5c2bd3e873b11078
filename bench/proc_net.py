"""What a process holds on the network, read from /proc (Linux): shared by
the C10k benchmark and the HTTP scale tests (tests/e2e/test_http_scale.py)."""
import os


def held_connections(pid, port):
    """Established TCP connections on local `port` whose socket the process `pid` holds:
    the ones it has accepted (the kernel completes handshakes before that)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if (fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port
                            and fields[9] in inodes):
                        held += 1
        except FileNotFoundError:
            pass
    return held
