"""Choices and defaults of the reports app: the kinds of letter and the standard letters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterKind(models.TextChoices):
    INTRO_PARTY_B = "intro_party_b", _("Kennismakingsbrief aan partij B")
    APPOINTMENT_CONFIRMATION = "appointment_confirmation", _("Bevestiging afspraak")
    AGREEMENTS_SUMMARY = "agreements_summary", _("Samenvatting afspraken")
    OTHER = "other", _("Overige brief")


# The standard letters every service starts with (its admin edits them). Data, in Dutch:
# the letters go to Dutch residents whatever language the coordinator's screen is in.
# (kind, name, subject, body); the merge fields are those of reports/letters.py.
DEFAULT_LETTERS = [
    (
        LetterKind.INTRO_PARTY_B,
        "Kennismakingsbrief aan partij B",
        "Buurtbemiddeling: een gesprek met uw buren?",
        "Beste {partij.naam},\n\n"
        "Uw buren hebben contact opgenomen met {organisatie.naam}. Zij ervaren problemen in het "
        "contact met u en willen daar graag samen met u iets aan doen. Daarom schrijven wij u.\n\n"
        "Buurtbemiddeling is gratis en vrijwillig. Twee getrainde vrijwilligers helpen u en uw buren "
        "om weer met elkaar in gesprek te komen. Zij kiezen geen partij en vertellen niemand wat u "
        "met hen bespreekt. U bepaalt zelf of u meedoet.\n\n"
        "Wij willen graag eerst uw kant van het verhaal horen, bij u thuis. Een van onze "
        "bemiddelaars neemt daarvoor binnenkort contact met u op. U kunt ons ook zelf bellen op "
        "{organisatie.telefoon} of mailen naar {organisatie.email}. Noem dan het zaaknummer "
        "{zaak.nummer}.\n\n"
        "Met vriendelijke groet,\n\n"
        "{coordinator.naam}\n"
        "Coördinator {organisatie.naam}",
    ),
    (
        LetterKind.APPOINTMENT_CONFIRMATION,
        "Bevestiging afspraak",
        "Bevestiging van onze afspraak",
        "Beste {partij.naam},\n\n"
        "Hierbij bevestigen wij de afspraak die wij met u hebben gemaakt:\n\n"
        "- Gesprek: {afspraak.soort}\n"
        "- Datum: {afspraak.datum}\n"
        "- Tijd: {afspraak.tijd}\n"
        "- Plaats: {afspraak.plaats}\n\n"
        "Twee bemiddelaars van {organisatie.naam} voeren het gesprek. Kunt u onverwacht niet? "
        "Laat het ons dan zo snel mogelijk weten via {organisatie.telefoon} of {organisatie.email}, "
        "met het zaaknummer {zaak.nummer}.\n\n"
        "Met vriendelijke groet,\n\n"
        "{coordinator.naam}\n"
        "Coördinator {organisatie.naam}",
    ),
    (
        LetterKind.AGREEMENTS_SUMMARY,
        "Samenvatting afspraken",
        "De afspraken uit uw gesprek",
        "Beste {partij.naam},\n\n"
        "In het gesprek met uw buren heeft u samen de volgende afspraken gemaakt:\n\n"
        "{afspraken}\n\n"
        "Over een paar weken bellen wij u om te horen hoe het gaat en of de afspraken werken. "
        "Heeft u eerder vragen, bel dan {organisatie.telefoon} of mail naar {organisatie.email}, "
        "met het zaaknummer {zaak.nummer}.\n\n"
        "Met vriendelijke groet,\n\n"
        "{coordinator.naam}\n"
        "Coördinator {organisatie.naam}",
    ),
]
