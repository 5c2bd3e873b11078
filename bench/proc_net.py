"""What processes hold on the network, read from /proc (Linux): shared by the
benchmarks (harness.py, c10k_bench.py) and the HTTP scale tests
(tests/e2e/test_http_scale.py)."""
import os

ESTABLISHED = "01"
LISTEN = "0A"


def tcp_socket_inodes(port, state):
    """Inodes of the TCP sockets (IPv4 and IPv6) in `state` whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(fields[9])
        except OSError:
            pass
    return inodes


def socket_inodes_of(pid):
    """Inodes of the sockets process `pid` has open."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def held_connections(pid, port):
    """Established TCP connections on local `port` whose socket the process `pid` holds:
    the ones it has accepted (the kernel completes handshakes before that)."""
    return len(tcp_socket_inodes(port, ESTABLISHED) & socket_inodes_of(pid))


def pid_listening_on(port):
    """The pid owning the TCP listener on `port` (127.0.0.1 or any), or None."""
    listeners = tcp_socket_inodes(port, LISTEN)
    if not listeners:
        return None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if socket_inodes_of(entry) & listeners:
                return int(entry)
        except OSError:
            continue
    return None
