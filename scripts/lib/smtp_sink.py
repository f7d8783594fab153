"""SMTP server for FaxPost's mail tests (aiosmtpd, Debian's python3-aiosmtpd).

Why aiosmtpd and not postfix: the tests need to see what FaxPost sent and to provoke temporary
and permanent failures on demand; a 60-line handler does both without a queue, DNS or a second
daemon, and it still speaks real SMTP (EHLO, STARTTLS, AUTH PLAIN/LOGIN, 4xx/5xx replies).

Listens on three ports: plain (no auth), submission with STARTTLS + AUTH, and implicit TLS + AUTH.
Each accepted message is saved as <spool>/<recipient>/<n>.eml. Recipients whose local part
starts with "reject" get 550; "tempfail" gets 451 on every try; "flaky" 451 on the first try only.
"""
import asyncio
import itertools
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

spool, cert, key, plain_port, starttls_port, tls_port, user, password = sys.argv[1:9]
counter = itertools.count()
seen = set()


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("tempfail"):
            return "451 4.3.0 try again later"
        if local.startswith("flaky") and address not in seen:
            seen.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            folder = os.path.join(spool, rcpt.lower())
            os.makedirs(folder, exist_ok=True)
            name = os.path.join(folder, "%06d.eml" % next(counter))
            with open(name + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(name + ".tmp", name)
        return "250 OK queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
servers = [
    Controller(Sink(), hostname="127.0.0.1", port=int(plain_port), auth_require_tls=False),
    Controller(Sink(), hostname="127.0.0.1", port=int(starttls_port), tls_context=context, require_starttls=True,
               authenticator=authenticator, auth_required=True, auth_require_tls=True),
    Controller(Sink(), hostname="127.0.0.1", port=int(tls_port), ssl_context=context, server_hostname="localhost",
               authenticator=authenticator, auth_required=True, auth_require_tls=False),
]
for s in servers:
    s.start()
print("smtp sink ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
finally:
    for s in servers:
        s.stop()
