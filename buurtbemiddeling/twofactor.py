"""Two-factor login: a TOTP authenticator app, with hashed one-time backup codes.

Required for everyone who can see personal data (coordinators, mediators, admins);
optional for referrers, but once a referrer sets it up it is asked at every login.
"""

import base64
import io
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .constants import Role
from .models import BackupCode, BackupCodeDevice

BACKUP_CODE_COUNT = 10
ROLES_THAT_NEED_IT = {Role.COORDINATOR, Role.MEDIATOR, Role.ADMIN}


def requires_second_factor(user) -> bool:
    """Everyone who can see personal data, and everyone who chose to set it up."""
    return user.is_staff or user.is_superuser or user.role in ROLES_THAT_NEED_IT or user_has_device(user)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


SETUP_SESSION_KEY = "bb_totp_setup_key"
TOTP_DIGITS = 6


def totp_setup_start(request) -> TOTPDevice:
    """The authenticator being set up, not stored until a code from the app confirms it.

    The secret waits in the (server-side) session, so opening the page again shows the same
    QR code and merely opening it stores nothing.
    """
    key = request.session.get(SETUP_SESSION_KEY)
    if not key or len(key) != 40:
        key = default_key()
        request.session[SETUP_SESSION_KEY] = key
    return TOTPDevice(user=request.user, name="Authenticator-app", key=key, digits=TOTP_DIGITS, confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (allowed by our CSP for images)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_setup_confirm(request, *, device: TOTPDevice, token: str) -> list[str] | None:
    """Store the authenticator once a code from the app matches; returns fresh backup codes.

    The pending device is not in the database, so it is checked here rather than through
    django-otp's verify_token (which saves its throttle counters). Someone setting up their
    own app already sees the secret: there is nothing to guess.
    """
    token = (token or "").strip().replace(" ", "")
    if not (token.isdigit() and len(token) == device.digits):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance):
        return None
    device.last_t = totp.t()
    TOTPDevice.objects.filter(user=request.user).delete()  # the app it replaces, and any left unconfirmed
    device.confirmed = True
    device.save()
    request.session.pop(SETUP_SESSION_KEY, None)
    otp_login(request, device)
    return backup_codes_renew(request.user)


@transaction.atomic
def backup_codes_renew(user, *, codes: list[str] | None = None) -> list[str]:
    """Replace the user's backup codes; the plain codes are shown once and never stored."""
    BackupCodeDevice.objects.filter(user=user).delete()
    device = BackupCodeDevice.objects.create(user=user, name="Reservecodes", confirmed=True)
    codes = codes or [secrets.token_hex(5) for _ in range(BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(BackupCode(device=device, code_hash=make_password(code)) for code in codes)
    return codes


@dataclass(frozen=True)
class Verification:
    ok: bool
    # Too many wrong codes: not checked at all, try again from then on.
    locked_until: datetime | None = None


def verify_second_factor(request, token: str) -> Verification:
    """Check a code from the app or a backup code; on success the session is verified.

    Six digits are a code from the app, anything else a backup code: only the devices the
    code can be for are tried (and throttled). When each of them is still waiting after
    wrong codes, the code is not checked and the answer says until when.
    """
    token = (token or "").strip().replace(" ", "")
    if not token or len(token) > 20:
        return Verification(ok=False)
    model = TOTPDevice if token.isdigit() and len(token) == TOTP_DIGITS else BackupCodeDevice
    with transaction.atomic():
        devices = list(model.objects.select_for_update().filter(user=request.user, confirmed=True))
        waiting = []
        for device in devices:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                waiting.append((details or {}).get("locked_until"))
            elif device.verify_token(token):
                otp_login(request, device)
                return Verification(ok=True)
    if devices and len(waiting) == len(devices) and all(waiting):
        return Verification(ok=False, locked_until=min(waiting))
    return Verification(ok=False)


def verified_session_values(user) -> dict:
    """Session values of someone who passed the second factor (tests and the benchmark)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return {DEVICE_ID_SESSION_KEY: device.persistent_id}


bench_session_values = verified_session_values
