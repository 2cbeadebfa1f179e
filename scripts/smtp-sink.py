#!/usr/bin/python3
"""A throwaway SMTP server for tests and `make run`: every message it accepts is stored
as DIR/<n>.eml (written to a temporary name, then renamed). Without --starttls it offers
no STARTTLS, which is what a client that requires TLS must refuse.

usage: smtp-sink.py --host 127.0.0.1 --port 2525 --dir DIR
Runs until SIGTERM or SIGINT. Debian's python3-aiosmtpd; run with /usr/bin/python3.
"""
import argparse
import itertools
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.counter)
        name = "%d-%06d" % (os.getpid(), number)
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            out.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.directory, name + ".eml"))
        return "250 stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.dir, exist_ok=True)
    controller = Controller(Store(arguments.dir), hostname=arguments.host, port=arguments.port)
    controller.start()
    print("listening", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
