#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for FollowThrough's SMTP tests (aiosmtpd).

Run with Debian's interpreter: /usr/bin/python3 scripts/smtp_test_server.py --port 0 ...
Prints "ready PORT" on stdout once it listens. Every accepted message is stored in
--maildir as NNNN.eml (the DATA bytes exactly as received, dot-stuffing undone, no
headers added) with NNNN.json beside it (mail_from, rcpt_tos, connection, time).
--log FILE gets one JSON line per event (connect, ehlo, starttls, auth, mail, rcpt,
data, drop), so tests can count connections and check that nothing was sent.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--maildir", help="store accepted messages here")
    p.add_argument("--log", help="append one JSON line per SMTP event here")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"), help="offer STARTTLS")
    p.add_argument("--require-starttls", action="store_true", help="530 until STARTTLS")
    p.add_argument("--auth", metavar="USER:PASS", help="require AUTH PLAIN/LOGIN")
    p.add_argument("--auth-in-clear", action="store_true", help="allow AUTH without TLS")
    p.add_argument("--fail-first-451", type=int, default=0, metavar="N",
                   help="answer 451 to the first N messages at end of DATA")
    p.add_argument("--reject-rcpt", action="append", default=[], metavar="ADDR",
                   help="550 for this recipient at RCPT TO (repeatable)")
    p.add_argument("--drop-during-data-once", action="store_true",
                   help="the first time, close the connection after the data, before replying")
    p.add_argument("--hang", action="store_true", help="accept TCP but never send a greeting")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="stop when standard input closes (tests: the server dies with its parent)")
    return p.parse_args()


class Recorder:
    """Shared state of the server: counters, the event log and the maildir."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.connections = 0
        self.stored = 0
        self.data_seen = 0
        self.dropped = False

    def event(self, kind, conn, **fields):
        if not self.args.log:
            return
        line = json.dumps({"event": kind, "connection": conn, "time": time.time(), **fields})
        with self.lock, open(self.args.log, "a") as f:
            f.write(line + "\n")

    def store(self, conn, envelope):
        with self.lock:
            self.stored += 1
            n = self.stored
        if self.args.maildir:
            base = os.path.join(self.args.maildir, "%04d" % n)
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content)
            sidecar = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "connection": conn,
                "time": time.time(),
                "size": len(envelope.original_content),
            }
            # Written last and renamed, so a reader never sees a sidecar without its message.
            with open(base + ".json.tmp", "w") as f:
                json.dump(sidecar, f)
            os.rename(base + ".json.tmp", base + ".json")


class Handler:
    def __init__(self, rec):
        self.rec = rec

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.rec.event("ehlo", server.conn_id, hostname=hostname)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.rec.event("mail", server.conn_id, address=address)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rec.event("rcpt", server.conn_id, address=address)
        if address.lower() in (a.lower() for a in self.rec.args.reject_rcpt):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        rec = self.rec
        with rec.lock:
            rec.data_seen += 1
            seen = rec.data_seen
            drop = rec.args.drop_during_data_once and not rec.dropped
            rec.dropped = rec.dropped or drop
        if drop:
            rec.event("drop", server.conn_id)
            server.transport.abort()
            return "421 never delivered: the connection is already gone"
        if seen <= rec.args.fail_first_451:
            rec.event("data", server.conn_id, status=451)
            return "451 4.3.0 Temporary failure, try again later"
        rec.store(server.conn_id, envelope)
        rec.event("data", server.conn_id, status=250, size=len(envelope.original_content))
        return "250 2.0.0 Ok: queued as %04d" % rec.stored


def make_authenticator(rec, user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        rec.event("auth", server.conn_id, mechanism=mechanism, success=ok)
        # handled=False: aiosmtpd itself answers 535 on failure.
        return AuthResult(success=ok, handled=False)
    return authenticate


async def serve(args):
    rec = Recorder(args)
    loop = asyncio.get_running_loop()
    if args.hang:
        def hang_factory():
            with rec.lock:
                rec.connections += 1
                conn = rec.connections
            rec.event("connect", conn)
            return asyncio.Protocol()  # holds the socket open, says nothing
        server = await loop.create_server(hang_factory, "127.0.0.1", args.port)
    else:
        tls = None
        if args.starttls:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(*args.starttls)
        kwargs = dict(tls_context=tls, require_starttls=args.require_starttls,
                      hostname="smtp-test.localhost", ident="FollowThrough test SMTP")
        if args.auth:
            user, _, password = args.auth.partition(":")
            kwargs.update(authenticator=make_authenticator(rec, user, password),
                          auth_required=True, auth_require_tls=not args.auth_in_clear)
        handler = Handler(rec)

        def factory():
            with rec.lock:
                rec.connections += 1
                conn = rec.connections
            rec.event("connect", conn)
            smtp = SMTP(handler, **kwargs)
            smtp.conn_id = conn
            return smtp
        server = await loop.create_server(factory, "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print("ready %d" % port, flush=True)
    async with server:
        await server.serve_forever()


def main():
    args = parse_args()
    # A parent such as a Swift test runner may have blocked SIGTERM; we must still honour it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if args.exit_on_stdin_eof:
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
    if args.maildir:
        os.makedirs(args.maildir, exist_ok=True)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
