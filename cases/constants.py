from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """Where a case is in its life. What may follow what lives in cases/workflow.py only."""

    REGISTERED = "registered", _("Aangemeld")
    INTAKE = "intake", _("Intake")
    STANDBY = "standby", _("Standby (voortraject)")
    SUITABLE = "suitable", _("Geschikt, opgepakt")
    IN_MEDIATION = "in_mediation", _("In bemiddeling")
    FOLLOW_UP = "follow_up", _("Nazorg")
    CLOSED = "closed", _("Afgesloten")
    UNSUITABLE = "unsuitable", _("Niet geschikt")


OPEN_STATUSES = [
    CaseStatus.REGISTERED,
    CaseStatus.INTAKE,
    CaseStatus.STANDBY,
    CaseStatus.SUITABLE,
    CaseStatus.IN_MEDIATION,
    CaseStatus.FOLLOW_UP,
]
ENDED_STATUSES = [CaseStatus.CLOSED, CaseStatus.UNSUITABLE]


class Channel(models.TextChoices):
    """How the report reached the service."""

    SELF_REPORT = "self_report", _("Zelfmelding (website)")
    REFERRAL = "referral", _("Verwijzing")
    PHONE = "phone", _("Telefonisch")
    DESK = "desk", _("Balie")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Brief")


class Side(models.TextChoices):
    A = "A", _("Partij A (melder)")
    B = "B", _("Partij B (buren)")


class Tenure(models.TextChoices):
    UNKNOWN = "unknown", _("Onbekend")
    OWNER = "owner", _("Eigenaar")
    TENANT_CORPORATION = "tenant_corporation", _("Huurder bij woningcorporatie")
    TENANT_PRIVATE = "tenant_private", _("Huurder bij particulier")


class PreferredContact(models.TextChoices):
    PHONE = "phone", _("Telefoon")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Brief")
    VISIT = "visit", _("Huisbezoek")


class Participation(models.TextChoices):
    """Mediation is voluntary: a party may refuse or stop at any moment."""

    UNKNOWN = "unknown", _("Nog niet gevraagd")
    ASKED = "asked", _("Gevraagd, nog geen antwoord")
    PARTICIPATING = "participating", _("Doet mee")
    REFUSED = "refused", _("Weigert")
    WITHDRAWN = "withdrawn", _("Gestopt")


class OutcomeCategory(models.TextChoices):
    RESOLVED = "resolved", _("Opgelost")
    PARTIALLY_RESOLVED = "partially_resolved", _("Gedeeltelijk opgelost")
    NOT_RESOLVED = "not_resolved", _("Niet opgelost")
    REFERRED_ON = "referred_on", _("Doorverwezen")
    RESOLVED_BY_ITSELF = "resolved_by_itself", _("Vanzelf opgelost / verhuisd")


class ConversationKind(models.TextChoices):
    PHONE_CALL = "phone_call", _("Telefoongesprek")
    LETTER = "letter", _("Brief")
    INTAKE_A = "intake_a", _("Huisbezoek intake partij A")
    INTAKE_B = "intake_b", _("Huisbezoek intake partij B")
    JOINT = "joint", _("Gezamenlijk bemiddelingsgesprek")
    SHUTTLE = "shuttle", _("Pendelcontact")
    FOLLOW_UP_CALL = "follow_up_call", _("Nazorggesprek")


class AppointmentKind(models.TextChoices):
    """The conversations that are planned ahead with two mediators (a subset of ConversationKind)."""

    INTAKE_A = "intake_a", _("Intake partij A")
    INTAKE_B = "intake_b", _("Intake partij B")
    JOINT = "joint", _("Gezamenlijk gesprek")


class AppointmentPlace(models.TextChoices):
    AT_HOME = "at_home", _("Bij de bewoner thuis")
    NEUTRAL = "neutral", _("Neutrale locatie")
    OFFICE = "office", _("Kantoor van de bemiddelingsorganisatie")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    HELD = "held", _("Gehouden")
    CANCELLED = "cancelled", _("Geannuleerd")


class EventKind(models.TextChoices):
    CREATED = "created", _("Zaak aangemaakt")
    STATUS_CHANGED = "status_changed", _("Status gewijzigd")
    MEDIATOR_ASSIGNED = "mediator_assigned", _("Bemiddelaar toegewezen")
    MEDIATOR_REPLACED = "mediator_replaced", _("Bemiddelaar vervangen")
    CONVERSATION_LOGGED = "conversation_logged", _("Contact vastgelegd")
    AGREEMENT_MADE = "agreement_made", _("Afspraak vastgelegd")
    PARTY_ADDED = "party_added", _("Partij toegevoegd")
    PARTICIPATION_CHANGED = "participation_changed", _("Deelname gewijzigd")
    NOTE = "note", _("Notitie")
    COORDINATOR_CHANGED = "coordinator_changed", _("Overgedragen aan een andere coördinator")
    CASE_EDITED = "case_edited", _("Zaakgegevens gewijzigd")
    PARTY_EDITED = "party_edited", _("Partijgegevens gewijzigd")
    PARTY_LEFT_OUT = "party_left_out", _("Verder zonder deze partij")
    CONVERSATION_CORRECTED = "conversation_corrected", _("Verslag gecorrigeerd")
    # Agreements followed up (#18).
    AGREEMENT_REVIEW_CHANGED = "agreement_review_changed", _("Evaluatiedatum afspraak gewijzigd")
    AGREEMENT_JUDGED = "agreement_judged", _("Afspraak beoordeeld")
    # Appointments and letters (#19).
    APPOINTMENT_PLANNED = "appointment_planned", _("Afspraak gepland")
    APPOINTMENT_CHANGED = "appointment_changed", _("Afspraak verzet")
    APPOINTMENT_CANCELLED = "appointment_cancelled", _("Afspraak geannuleerd")
    LETTER_MADE = "letter_made", _("Brief gemaakt")


# --- Agreements followed up (#18) ---------------------------------------------------------


class AgreementKept(models.TextChoices):
    """Whether an agreement held, as judged at follow-up (nazorg). Empty: not judged yet."""

    NOT_JUDGED = "", _("Nog niet beoordeeld")
    KEPT = "kept", _("Nagekomen")
    PARTLY = "partly", _("Deels nagekomen")
    NOT_KEPT = "not_kept", _("Niet nagekomen")


# Participation a refusal ends in (Participation.REFUSED / WITHDRAWN), for the outcomes and
# reasons that fit it: the case page offers them when a party refuses or stops.
FITS_PARTICIPATION = [
    (Participation.REFUSED.value, Participation.REFUSED.label),
    (Participation.WITHDRAWN.value, Participation.WITHDRAWN.label),
]

# Reference lists a new service starts with (admins edit them per service afterwards).
DEFAULT_CONFLICT_TYPES = [
    "Geluidsoverlast door personen",
    "Geluidsoverlast door apparatuur/muziek",
    "Intimidatie / lastiggevallen worden",
    "Pesterijen",
    "Erfafscheiding, schutting, overhangende takken",
    "Tuin- en buitenproblemen",
    "Huisdieren",
    "Overlast door kinderen",
    "Parkeren",
    "Rommel, vuilnis, vervuiling",
    "Stank, rook",
    "Vernieling",
    "Storende leefgewoonten",
    "Overig",
]

# The default outcomes and reasons that fit a refusal (matched by name in the service's lists).
DEFAULT_FITS_PARTICIPATION = {
    "Geen reactie of weigert vanaf het begin": Participation.REFUSED,
    "Niet opgelost: partij weigert gezamenlijk gesprek": Participation.REFUSED,
    "Niet opgelost: partij trekt zich terug": Participation.WITHDRAWN,
}

DEFAULT_UNSUITABILITY_REASONS = [
    "Geen reactie of weigert vanaf het begin",
    "Geen eigen motivatie (voelt zich gestuurd door een instantie)",
    "Niet in staat een bemiddeling te volgen of afspraken na te komen",
    "Te laat gemeld, te ver geëscaleerd",
    "Overlast komt van een bedrijf of instelling",
    "Geweld of bedreiging",
    "Ernstige psychiatrische problematiek of verslaving",
    "Familieconflict",
    "Juridische weg al gekozen",
    "Geen burenrelatie",
]

# (name, category, counts as resolved, needs a logged conversation)
DEFAULT_OUTCOMES = [
    ("Opgelost na gezamenlijk gesprek met afspraken", OutcomeCategory.RESOLVED, True, True),
    ("Opgelost door pendelbemiddeling", OutcomeCategory.RESOLVED, True, True),
    ("Opgelost na de intakegesprekken", OutcomeCategory.RESOLVED, True, True),
    ("Opgelost met alleen advies", OutcomeCategory.RESOLVED, True, False),
    ("Gedeeltelijk opgelost (relatie verbeterd)", OutcomeCategory.PARTIALLY_RESOLVED, False, True),
    ("Niet opgelost: partij weigert gezamenlijk gesprek", OutcomeCategory.NOT_RESOLVED, False, False),
    ("Niet opgelost: partij trekt zich terug", OutcomeCategory.NOT_RESOLVED, False, False),
    ("Niet opgelost: geen contact mogelijk", OutcomeCategory.NOT_RESOLVED, False, False),
    ("Niet opgelost: afgebroken", OutcomeCategory.NOT_RESOLVED, False, False),
    ("Doorverwezen (wijkteam, GGZ, politie, corporatie)", OutcomeCategory.REFERRED_ON, False, False),
    ("Vanzelf opgelost / partij verhuisd", OutcomeCategory.RESOLVED_BY_ITSELF, False, False),
]

# The English labels of the default lists above (ReferenceItem.name_en), for the English interface.
DEFAULT_NAMES_EN = {
    "Geluidsoverlast door personen": "Noise from people",
    "Geluidsoverlast door apparatuur/muziek": "Noise from equipment or music",
    "Intimidatie / lastiggevallen worden": "Intimidation or harassment",
    "Pesterijen": "Bullying",
    "Erfafscheiding, schutting, overhangende takken": "Boundaries, fences, overhanging branches",
    "Tuin- en buitenproblemen": "Garden and outdoor problems",
    "Huisdieren": "Pets",
    "Overlast door kinderen": "Nuisance from children",
    "Parkeren": "Parking",
    "Rommel, vuilnis, vervuiling": "Mess, rubbish, pollution",
    "Stank, rook": "Smells, smoke",
    "Vernieling": "Vandalism",
    "Storende leefgewoonten": "Disturbing habits",
    "Overig": "Other",
    "Geen reactie of weigert vanaf het begin": "No response, or refuses from the start",
    "Geen eigen motivatie (voelt zich gestuurd door een instantie)": "No own motivation (feels sent by an agency)",
    "Niet in staat een bemiddeling te volgen of afspraken na te komen": "Unable to follow mediation or keep agreements",
    "Te laat gemeld, te ver geëscaleerd": "Reported too late, escalated too far",
    "Overlast komt van een bedrijf of instelling": "Nuisance comes from a business or institution",
    "Geweld of bedreiging": "Violence or threats",
    "Ernstige psychiatrische problematiek of verslaving": "Serious psychiatric problems or addiction",
    "Familieconflict": "Family conflict",
    "Juridische weg al gekozen": "Legal route already taken",
    "Geen burenrelatie": "Not neighbours",
    "Opgelost na gezamenlijk gesprek met afspraken": "Resolved after a joint talk with agreements",
    "Opgelost door pendelbemiddeling": "Resolved by shuttle mediation",
    "Opgelost na de intakegesprekken": "Resolved after the intake talks",
    "Opgelost met alleen advies": "Resolved with advice only",
    "Gedeeltelijk opgelost (relatie verbeterd)": "Partly resolved (relationship improved)",
    "Niet opgelost: partij weigert gezamenlijk gesprek": "Not resolved: a party refuses a joint talk",
    "Niet opgelost: partij trekt zich terug": "Not resolved: a party withdraws",
    "Niet opgelost: geen contact mogelijk": "Not resolved: no contact possible",
    "Niet opgelost: afgebroken": "Not resolved: broken off",
    "Doorverwezen (wijkteam, GGZ, politie, corporatie)": (
        "Referred on (neighbourhood team, mental health care, police, housing corporation)"
    ),
    "Vanzelf opgelost / partij verhuisd": "Resolved by itself / party moved",
}
