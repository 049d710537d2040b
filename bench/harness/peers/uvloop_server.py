#!/usr/bin/python3
"""uvloop peer for the harness: asyncio Protocol echo and HTTP plaintext servers on uvloop.

    uvloop_server.py echo|http PORT [WORKERS [BUFFER]]

echo is an asyncio.BufferedProtocol: every read goes into the connection's BUFFER-byte buffer
(default 65536; the harness gives every contestant the same read size). WORKERS > 1 forks that many processes, each with its own loop and SO_REUSEPORT listener
(a Python event loop is single-threaded). Uses uvloop.new_event_loop(): Debian 12's uvloop
0.17 has no uvloop.run. http answers every complete request (framed by the blank line, not
validated) with the plaintext response, one transport.write per data_received.
"""
import asyncio
import ctypes
import os
import signal
import socket
import sys
import time
from email.utils import formatdate

import uvloop


MAX_BUFFER = 16 << 20


class Echo(asyncio.BufferedProtocol):
    size = 65536

    def connection_made(self, transport):
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.transport = transport
        self.buf = bytearray(self.size)
        self.view = memoryview(self.buf)

    def get_buffer(self, sizehint):
        return self.view

    def buffer_updated(self, nbytes):
        self.transport.write(self.buf[:nbytes])  # a copy: the buffer is reused by the next read


class Plaintext(asyncio.Protocol):
    response = b""
    second = 0

    @classmethod
    def render(cls):
        now = int(time.time())
        if now != cls.second:
            cls.second = now
            cls.response = (
                "HTTP/1.1 200 OK\r\nServer: uvloop\r\nDate: %s\r\nContent-Type: text/plain\r\n"
                "Content-Length: 13\r\n\r\nHello, World!" % formatdate(now, usegmt=True)
            ).encode()
        return cls.response

    def connection_made(self, transport):
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.transport = transport
        self.pending = b""

    def data_received(self, data):
        buf = self.pending + data if self.pending else data
        count = buf.count(b"\r\n\r\n")
        if count:
            self.pending = buf[buf.rfind(b"\r\n\r\n") + 4:]
            self.transport.write(self.render() * count)
        else:
            self.pending = buf
        if len(self.pending) > 65536:
            self.transport.close()


def listener(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4096)
    return s


def serve(sock, protocol):
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(protocol, sock=sock, backlog=4096))
    try:
        loop.run_forever()
    finally:
        server.close()


def main(argv):
    if len(argv) not in (3, 4, 5) or argv[1] not in ("echo", "http"):
        sys.exit("usage: uvloop_server.py echo|http PORT [WORKERS [BUFFER]]")
    try:
        port = int(argv[2])
        workers = int(argv[3]) if len(argv) >= 4 else 1
        Echo.size = int(argv[4]) if len(argv) == 5 else Echo.size
    except ValueError:
        sys.exit("uvloop_server.py: PORT, WORKERS and BUFFER must be integers")
    if not 0 <= port <= 65535 or not 1 <= workers <= 256 or not 1 <= Echo.size <= MAX_BUFFER:
        sys.exit("uvloop_server.py: PORT must be 0..65535, WORKERS 1..256 and BUFFER 1..%d" % MAX_BUFFER)
    protocol = Echo if argv[1] == "echo" else Plaintext
    socks = [listener(port)]
    port = socks[0].getsockname()[1]
    socks += [listener(port) for _ in range(workers - 1)]
    for sock in socks[1:]:
        if os.fork() == 0:
            # PR_SET_PDEATHSIG: the worker goes when the parent does
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
            serve(sock, protocol)
            os._exit(0)
    print("listening on %d" % port, flush=True)
    serve(socks[0], protocol)


if __name__ == "__main__":
    main(sys.argv)
