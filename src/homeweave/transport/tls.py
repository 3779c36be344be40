"""Self-signed certificates for simulated hubs (a DIRIGERA, a Hue bridge), made with
``cryptography`` at start, like the ones real hubs present."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True, slots=True)
class Certificate:
    """PEM certificate and key, and the certificate's SHA-256 fingerprint (hex)."""

    cert_pem: bytes
    key_pem: bytes
    fingerprint: str


def self_signed(
    common_name: str,
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    *,
    country: str | None = None,
    organization: str | None = None,
    ca: bool = False,
) -> Certificate:
    """A fresh P-256 key and a certificate for ``hosts`` (IP addresses or DNS names, in that
    order in the subject alternative names), valid for ten years; ``ca`` marks it a CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(oid, value)
        for oid, value in (
            (NameOID.COUNTRY_NAME, country),
            (NameOID.ORGANIZATION_NAME, organization),
            (NameOID.COMMON_NAME, common_name),
        )
        if value is not None
    ]
    name = x509.Name(attributes)
    now = datetime.datetime.now(datetime.UTC)
    alt_names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
    cert = builder.sign(key, hashes.SHA256())
    return Certificate(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        fingerprint=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
    )


def server_context(certificate: Certificate) -> ssl.SSLContext:
    """A TLS server context for the certificate (blocking: call it in a thread; the key passes
    through a private temporary directory, since ``ssl`` loads keys only from files)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="homeweave-sim-") as folder:
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_file.write_bytes(certificate.cert_pem)
        key_file.touch(mode=0o600)
        key_file.write_bytes(certificate.key_pem)
        context.load_cert_chain(cert_file, key_file)
    return context
