#!/usr/bin/env python3
"""A real SMTP server for AMS's tests (aiosmtpd): stores every message it accepts in a Maildir.

Modes: plain SMTP, STARTTLS (--starttls, required before AUTH/MAIL), or implicit TLS (--implicit-tls).
--auth USER:PASSWORD requires AUTH PLAIN/LOGIN with those credentials.
Runs until SIGTERM/SIGINT.
"""
import argparse
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()

    for folder in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(args.maildir, folder), exist_ok=True)

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    kwargs = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=not args.implicit_tls)
    if args.starttls:
        kwargs.update(tls_context=context, require_starttls=True)

    controller = Controller(
        Mailbox(args.maildir), hostname=args.host, port=args.port,
        ssl_context=context if args.implicit_tls else None,
        server_hostname="localhost", ready_timeout=10, **kwargs)
    controller.start()
    print(f"listening on {args.host}:{args.port}", flush=True)
    stop = threading.Event()
    # A parent may start us with signals blocked (threads of a test runner often do): unblock them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
