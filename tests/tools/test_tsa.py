#!/usr/bin/env python3
"""A local RFC 3161 timestamp authority over HTTP, for tests only.

At start it makes, with the openssl CLI, a test CA and a TSA certificate
(extendedKeyUsage critical timeStamping) in --dir, writing tsa-ca.pem and
tsa.pem there; then it prints "PORT <n>" on stdout and answers each POST
(application/timestamp-query) with `openssl ts -reply`. Python stdlib only.

  --fail   answer every POST with HTTP 500 (and make no certificates but
           those --tls needs)
  --tls    serve https with a certificate for 127.0.0.1 and localhost from
           the same CA

POSTs to /tamper-imprint and /tamper-nonce are answered as if the query had
one byte of its imprint, or of its nonce, changed: a valid token that does
not answer the client's request. Any other path is a plain TSA.

Exits cleanly on SIGTERM or SIGINT.
"""

import argparse
import http.server
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import urllib.parse

POLICY = "1.2.3.4.1"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def write_config(d):
    """The openssl config: certificate extensions and the [tsa] section."""
    path = os.path.join(d, "tsa.cnf")
    with open(path, "w", encoding="ascii") as f:
        f.write(f"""\
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[ tsa_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ server_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid:always

[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
serial = {d}/tsaserial
crypto_device = builtin
signer_digest = sha256
default_policy = {POLICY}
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")
    with open(os.path.join(d, "tsaserial"), "w", encoding="ascii") as f:
        f.write("01\n")
    return path


def make_cert(d, cnf, name, cn, ext, serial):
    """An EC P-256 key <name>.key and certificate <name>.pem signed by the CA."""
    key = os.path.join(d, name + ".key")
    csr = os.path.join(d, name + ".csr")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", f"/C=VN/CN={cn}")
    openssl("x509", "-req", "-in", csr, "-CA", os.path.join(d, "tsa-ca.pem"), "-CAkey",
            os.path.join(d, "tsa-ca.key"), "-set_serial", str(serial), "-days", "30",
            "-sha256", "-extfile", cnf, "-extensions", ext, "-out",
            os.path.join(d, name + ".pem"))


def make_pki(d, tls):
    cnf = write_config(d)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", os.path.join(d, "tsa-ca.key"), "-out", os.path.join(d, "tsa-ca.pem"),
            "-days", "30", "-sha256", "-subj", "/C=VN/CN=Hopso Test TSA CA", "-config", cnf,
            "-extensions", "ca_ext")
    make_cert(d, cnf, "tsa", "Hopso Test TSA", "tsa_ext", 2)
    if tls:
        make_cert(d, cnf, "server", "localhost", "server_ext", 3)
    return cnf


def der_children(der, start, end):
    """(tag, content start, content end) of each DER element in der[start:end]."""
    out = []
    i = start
    while i < end:
        tag = der[i]
        length = der[i + 1]
        i += 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(der[i:i + n], "big")
            i += n
        out.append((tag, i, i + length))
        i += length
    return out


def tamper(query, what):
    """The TimeStampReq with the last byte of its hashedMessage or nonce flipped."""
    query = bytearray(query)
    (_, start, end), = der_children(query, 0, len(query))
    fields = der_children(query, start, end)
    if what == "imprint":
        # messageImprint SEQUENCE { hashAlgorithm, hashedMessage OCTET STRING }
        _, s, e = fields[1]
        _, _, last = der_children(query, s, e)[1]
    elif what == "nonce":
        # the INTEGER after the imprint (reqPolicy is an OID, tag 6)
        ints = [f for f in fields[2:] if f[0] == 0x02]
        if not ints:
            raise ValueError("the query has no nonce")
        _, _, last = ints[0]
    else:
        raise ValueError(f"cannot tamper with {what}")
    query[last - 1] ^= 0x01
    return bytes(query)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "HopsoTestTSA/1"

    def log_message(self, fmt, *args):  # quiet: the tests read stdout
        pass

    def send(self, code, body, content_type):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        opts = self.server.opts
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if opts.fail:
            self.send(500, b"failing on purpose\n", "text/plain")
            return
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/tamper-"):
            try:
                query = tamper(query, path[len("/tamper-"):])
            except (ValueError, IndexError) as e:
                self.send(400, f"{e}\n".encode(), "text/plain")
                return
        d = opts.dir
        with tempfile.TemporaryDirectory(dir=d) as work:
            tsq = os.path.join(work, "query.tsq")
            tsr = os.path.join(work, "reply.tsr")
            with open(tsq, "wb") as f:
                f.write(query)
            r = subprocess.run(
                ["openssl", "ts", "-reply", "-config", self.server.cnf, "-queryfile", tsq,
                 "-signer", os.path.join(d, "tsa.pem"), "-inkey", os.path.join(d, "tsa.key"),
                 "-chain", os.path.join(d, "tsa-ca.pem"), "-out", tsr],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
            if r.returncode != 0:
                self.send(500, r.stderr, "text/plain")
                return
            with open(tsr, "rb") as f:
                self.send(200, f.read(), "application/timestamp-reply")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail", action="store_true")
    parser.add_argument("--tls", action="store_true")
    opts = parser.parse_args()
    opts.dir = os.path.abspath(opts.dir)
    os.makedirs(opts.dir, exist_ok=True)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    try:
        cnf = None if opts.fail and not opts.tls else make_pki(opts.dir, opts.tls)
    except subprocess.CalledProcessError as e:
        sys.stderr.write(f"test_tsa: {' '.join(e.cmd)} failed:\n{e.stderr.decode()}")
        return 1
    server = http.server.HTTPServer(("127.0.0.1", opts.port), Handler)
    server.opts = opts
    server.cnf = cnf
    if opts.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(opts.dir, "server.pem"),
                                os.path.join(opts.dir, "server.key"))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
