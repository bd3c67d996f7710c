"""Two-factor login: a TOTP authenticator app, with hashed one-time backup codes.

Required for everyone who can see personal data (coordinators, mediators, admins);
optional for referrers, but once a referrer sets it up it is asked at every login.
"""

import base64
import io
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Role
from .models import BackupCode, BackupCodeDevice

BACKUP_CODE_COUNT = 10
ROLES_THAT_NEED_IT = {Role.COORDINATOR, Role.MEDIATOR, Role.ADMIN}


def requires_second_factor(user) -> bool:
    """Everyone who can see personal data, and everyone who chose to set it up."""
    return user.is_staff or user.is_superuser or user.role in ROLES_THAT_NEED_IT or user_has_device(user)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_setup_start(user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for this user (an earlier unconfirmed one is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)


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
    """Confirm the authenticator with a code from the app; returns fresh backup codes."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
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


def verify_second_factor(request, token: str) -> bool:
    """Check a code from the app or a backup code; on success the session is verified."""
    token = (token or "").strip().replace(" ", "")
    if not token or len(token) > 20:
        return False
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                return True
        for device in BackupCodeDevice.objects.select_for_update().filter(user=request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                return True
    return False


def verified_session_values(user) -> dict:
    """Session values of someone who passed the second factor (tests and the benchmark)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return {DEVICE_ID_SESSION_KEY: device.persistent_id}


bench_session_values = verified_session_values
