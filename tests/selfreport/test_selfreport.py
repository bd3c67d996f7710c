"""The public self-report flow, driven as a resident would drive it: no account, a phone, maybe a screen reader."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from buurtbemiddeling.models import RateCounter
from cases.constants import CaseStatus, Channel, EventKind, Side, Tenure
from cases.models import Case, CaseEvent, ConflictType, Party
from cases.selectors import work_queue_for_user
from selfreport import forms as selfreport_forms
from selfreport import views as selfreport_views

START = reverse("selfreport:start")
ADVICE = reverse("selfreport:advice")
POLICE = reverse("selfreport:police")
POSTCODE = reverse("selfreport:postcode")
REPORT = reverse("selfreport:report")
DONE = reverse("selfreport:done")

CHECK_OK = {"talked": "yes", "violence": "no", "legal": "no"}


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # The rate limit lives in the cache (a database table here); every test starts clean.
    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database
    yield
    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database


def conflict_type(service, name="Geluidsoverlast door personen"):
    return ConflictType.objects.get(service=service, name=name)


def report_data(service, **overrides):
    data = {
        "name": "Anna Jansen",
        "phone": "06 12345678",
        "email": "anna@example.org",
        "street": "Lindelaan",
        "house_number": "12",
        "city": "Aland",
        "preferred_contact": "phone",
        "contact_time_preference": "Doordeweeks na 17.00 uur",
        "neighbour_name": "",
        "neighbour_street": "Beukenlaan",
        "neighbour_house_number": "14b",
        "neighbour_postcode": "7511ac",
        "neighbour_city": "Aland",
        "conflict_types": [str(conflict_type(service).pk)],
        "description": "Elke nacht harde muziek tot drie uur.",
        "since": "sinds de zomer",
        "tried_already": "Een briefje in de bus gedaan.",
        "tenure": Tenure.TENANT_PRIVATE,
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def to_report_step(client, postcode="7511 AB", check=None):
    client.post(START, check or CHECK_OK)
    return client.post(POSTCODE, {"postcode": postcode})


def submit_report(client, service, postcode="7511 AB", **overrides):
    to_report_step(client, postcode)
    return client.post(REPORT, report_data(service, **overrides))


def field_error(html, field):
    """The error text shown beside one field (the element screen readers link to the input)."""
    match = re.search(rf'id="id_{field}-error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


class PageStructure(HTMLParser):
    """What assistive technology relies on: labels, groups, headings, no inline code."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels, self.headings = [], set(), []
        self.inline_styles, self.inline_scripts = 0, 0
        self.fieldset_depth, self.grouped_choices, self.loose_choices = 0, 0, 0
        self.legends = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or tag == "style":
            self.inline_styles += 1
        if tag == "script" and "src" not in attrs:
            self.inline_scripts += 1
        if tag == "fieldset":
            self.fieldset_depth += 1
        if tag == "legend":
            self.legends += 1
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs)
            if attrs.get("type") in ("radio", "checkbox") and attrs.get("name") != "language":
                if self.fieldset_depth:
                    self.grouped_choices += 1
                else:
                    self.loose_choices += 1

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.fieldset_depth -= 1


def structure(html) -> PageStructure:
    parser = PageStructure()
    parser.feed(html)
    return parser


def assert_accessible(html):
    page = structure(html)
    assert page.headings.count(1) == 1, "one h1 per page"
    assert page.headings[0] == 1, "the h1 comes first"
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        assert current <= previous + 1, f"heading levels skip: {page.headings}"
    for attrs in page.inputs:
        if attrs.get("name") == "website":
            continue  # the honeypot has a label too, but is hidden from everyone
        assert attrs.get("id") in page.labels, f"input without a label: {attrs}"
    assert page.loose_choices == 0, "radios and checkboxes belong in a fieldset with a legend"
    assert page.inline_styles == 0 and page.inline_scripts == 0, "the CSP forbids inline styles and scripts"
    assert 'lang="nl"' in html


# --- Self-check (step 1) -------------------------------------------------------------


def test_the_start_page_is_public_plain_dutch_and_accessible(client, db):
    response = client.get(START)
    assert response.status_code == 200
    html = response.text
    assert "Stap 1 van 4" in html
    assert "Hebt u zelf al met uw buren gepraat" in html
    assert "Bij direct gevaar: bel 112." in html
    assert_accessible(html)
    assert 'name="csrfmiddlewaretoken"' in html


def test_violence_now_leads_to_the_police_page_and_no_form(client, db):
    response = client.post(START, {**CHECK_OK, "violence": "now"}, follow=True)
    assert response.redirect_chain == [(POLICE, 302)]
    html = response.text
    assert "Bel de politie" in html and "112" in html and "0900-8844" in html
    assert 'name="postcode"' not in html and 'name="name"' not in html
    assert_accessible(html)
    # The form cannot be reached around the police advice.
    assert client.get(POSTCODE)["Location"] == POLICE
    assert client.get(REPORT)["Location"] == START
    assert client.post(POSTCODE, {"postcode": "7511 AB"})["Location"] == POLICE


def test_when_the_threat_is_over_the_resident_may_still_report(client, service):
    response = client.post(START, {**CHECK_OK, "violence": "past"}, follow=True)
    assert response.redirect_chain == [(ADVICE, 302)]
    assert "Er is eerder geweld of een bedreiging geweest" in response.text
    assert "0900-8844" in response.text
    assert client.get(POSTCODE).status_code == 200
    response = client.post(POSTCODE, {"postcode": "7511 AB"})
    assert response["Location"] == REPORT
    client.post(REPORT, report_data(service))
    assert (
        "geweld of bedreiging: Het is eerder gebeurd, maar de dreiging is nu voorbij" in Case.objects.get().description
    )


def test_answers_steer_with_tips_and_other_help_without_blocking(client, db):
    response = client.post(START, {"talked": "not_yet", "violence": "no", "legal": "yes"}, follow=True)
    assert response.redirect_chain == [(ADVICE, 302)]
    html = response.text
    assert "Praat eerst zelf met uw buren" in html
    assert "Juridisch Loket" in html
    assert f'href="{POSTCODE}"' in html
    assert "Er is niets opgeslagen." in html
    assert_accessible(html)


def test_with_nothing_to_advise_the_resident_goes_straight_to_the_postcode(client, db):
    assert client.post(START, CHECK_OK)["Location"] == POSTCODE


def test_unanswered_questions_are_explained_at_each_question(client, db):
    response = client.post(START, {"talked": "yes"})
    assert response.status_code == 200
    html = response.text
    assert field_error(html, "violence") == "Fout: Kies een antwoord."
    assert field_error(html, "legal") == "Fout: Kies een antwoord."
    # The summary's links lead to each question's first answer.
    assert 'href="#id_violence_0"' in html and 'href="#id_legal_0"' in html
    assert 'id="id_violence_0"' in html and 'id="id_legal_0"' in html
    # The answer given is kept.
    assert re.search(r'<input type="radio" name="talked" value="yes"[^>]*checked', html)


# --- Routing (step 2) ------------------------------------------------------------------


def test_the_postcode_routes_to_the_service_that_covers_it(client, service, other_service):
    response = to_report_step(client, "7511ab")
    assert response["Location"] == REPORT
    html = client.get(REPORT).text
    assert "Uw melding bij Buurtbemiddeling Aland" in html
    assert "7511 AB" in html
    assert f'value="{conflict_type(service).pk}"' in html
    assert f'value="{conflict_type(other_service).pk}"' not in html

    other = Client()
    to_report_step(other, "6211 AK")
    html = other.get(REPORT).text
    assert "Uw melding bij Buurtbemiddeling Beland" in html
    assert f'value="{conflict_type(other_service).pk}"' in html
    assert f'value="{conflict_type(service).pk}"' not in html


def test_the_report_lands_at_the_routed_service(client, service, other_service):
    submit_report(client, other_service, postcode="6211 AK")
    assert Case.objects.get().service == other_service


def test_a_postcode_no_service_covers_gets_a_friendly_page_and_nothing_is_stored(client, service):
    client.post(START, CHECK_OK)
    response = client.post(POSTCODE, {"postcode": "1011 AB"})
    assert response.status_code == 200
    html = response.text
    assert "Geen buurtbemiddeling gevonden" in html
    assert "www.problemenmetjeburen.nl" in html
    assert "Er is niets van u opgeslagen." in html
    assert_accessible(html)
    assert not Case.objects.exists() and not Party.objects.exists()
    assert "postcode" not in client.session[selfreport_views.SESSION_KEY]
    assert client.get(REPORT)["Location"] == POSTCODE


def test_a_wrong_postcode_is_explained_at_the_field_and_kept(client, db):
    client.post(START, CHECK_OK)
    response = client.post(POSTCODE, {"postcode": "12345"})
    assert response.status_code == 200
    html = response.text
    assert field_error(html, "postcode") == "Fout: Vul een geldige postcode in, bijvoorbeeld 1234 AB."
    assert 'value="12345"' in html
    assert '<a href="#id_postcode"' in html
    assert 'aria-describedby="id_postcode-hint id_postcode-error"' in html
    assert "<title>Fout:" in html


def test_the_steps_cannot_be_skipped(client, db):
    assert client.get(POSTCODE)["Location"] == START
    assert client.get(REPORT)["Location"] == START
    assert client.get(DONE)["Location"] == START
    assert client.get(ADVICE)["Location"] == START


# --- The report (step 3) and confirmation (step 4) --------------------------------------


def test_the_report_page_shows_progress_consent_privacy_and_retention(client, service):
    service.privacy_statement = "Wij gebruiken uw gegevens alleen voor de bemiddeling."
    service.retention_months = 18
    service.save()
    to_report_step(client)
    html = client.get(REPORT).text
    assert "Stap 3 van 4" in html
    assert "Wij gebruiken uw gegevens alleen voor de bemiddeling." in html
    assert "tot 18 maanden na het afsluiten van uw melding" in html
    assert "Ik geef Buurtbemiddeling Aland toestemming" in html
    assert "Uw buren horen niet van ons dat u dit hebt gemeld" in html
    assert 'type="file"' not in html and "multipart" not in html
    assert_accessible(html)


def test_a_resident_reports_and_gets_a_reference_with_what_happens_next(client, service):
    response = submit_report(client, service)
    assert response["Location"] == DONE
    case = Case.objects.get()
    page = client.get(DONE)
    html = page.text
    assert page.status_code == 200
    assert case.reference in html
    assert "Stap 4 van 4" in html
    assert f"Binnen {service.first_contact_target_days} werkdagen belt de coördinator u." in html
    assert "Uw buren horen niet van ons wie de melding heeft gedaan" in html
    assert_accessible(html)

    assert case.channel == Channel.SELF_REPORT and case.is_self_report
    assert case.status == CaseStatus.REGISTERED
    assert case.service == service
    assert case.created_by is None and case.coordinator is None and case.referrer_organisation is None
    assert list(case.conflict_types.all()) == [conflict_type(service)]
    assert case.description.startswith("Elke nacht harde muziek tot drie uur.")
    assert "Sinds wanneer: sinds de zomer" in case.description
    assert case.tried_already == "Een briefje in de bus gedaan."
    reporter, neighbour = case.parties.order_by("side")
    assert (reporter.side, reporter.is_reporter, reporter.name) == (Side.A, True, "Anna Jansen")
    assert (reporter.street, reporter.house_number, reporter.postcode) == ("Lindelaan", "12", "7511 AB")
    assert (reporter.phone, reporter.email) == ("0612345678", "anna@example.org")
    assert (reporter.preferred_contact, reporter.contact_time_preference) == ("phone", "Doordeweeks na 17.00 uur")
    assert reporter.tenure == Tenure.TENANT_PRIVATE
    assert (neighbour.side, neighbour.is_reporter, neighbour.name) == (Side.B, False, "")
    assert (neighbour.street, neighbour.house_number, neighbour.postcode) == ("Beukenlaan", "14b", "7511 AC")
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.actor) == (EventKind.CREATED, None)
    # The flow is over: the form is not there to send again.
    assert client.get(REPORT)["Location"] == START


def test_no_personal_data_travels_in_a_url(client, service):
    client.post(START, CHECK_OK)
    locations = [client.post(POSTCODE, {"postcode": "7511 AB"})["Location"]]
    locations.append(client.post(REPORT, report_data(service))["Location"])
    assert locations == [REPORT, DONE]
    assert all("?" not in location for location in locations)


def test_the_new_report_is_in_the_work_queue_of_that_service_only(client, service, coordinator, other_coordinator):
    submit_report(client, service)
    case = Case.objects.get()
    new = next(section for section in work_queue_for_user(coordinator) if section["key"] == "new")
    assert case in new["cases"]
    other_new = next(section for section in work_queue_for_user(other_coordinator) if section["key"] == "new")
    assert other_new["count"] == 0


def test_a_self_report_is_never_shown_to_a_referrer(client, service, referrer, partner):
    submit_report(
        client,
        service,
        tenure=Tenure.TENANT_CORPORATION,
        housing_corporation=str(partner.pk),
    )
    case = Case.objects.get()
    assert case.is_self_report
    assert case.parties.get(side=Side.A).housing_corporation == partner
    assert not Case.objects.visible_to(referrer).exists()
    assert case.referrer_organisation is None


def test_the_resident_may_name_a_housing_corporation_that_is_not_listed(client, service, partner):
    to_report_step(client)
    html = client.get(REPORT).text
    assert "Woonstichting Aland" in html
    client.post(
        REPORT,
        report_data(
            service,
            tenure=Tenure.TENANT_CORPORATION,
            housing_corporation="other",
            housing_corporation_other="Woonbron Aland",
        ),
    )
    case = Case.objects.get()
    assert case.parties.get(side=Side.A).housing_corporation is None
    assert "Woningcorporatie (door de melder genoemd): Woonbron Aland" in case.description


def test_the_confirmation_email_has_the_reference_but_nothing_of_the_report(
    client, service, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    service.phone = "053 1234567"
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(client, service, send_confirmation="on")
    case = Case.objects.get()
    assert mailoutbox == []  # the resident's page does not wait for the mail server
    run_tasks()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["anna@example.org"]
    text = mail.subject + mail.body
    assert case.reference in mail.subject and case.reference in mail.body
    assert "Buurtbemiddeling Aland" in text and "053 1234567" in text and service.email in text
    assert "Binnen 5 werkdagen belt de coördinator u." in mail.body
    for secret in ("Anna", "Jansen", "Lindelaan", "Beukenlaan", "14b", "7511", "harde muziek", "briefje", "zomer"):
        assert secret not in text, secret
    assert "U krijgt ook een bevestiging per e-mail" in client.get(DONE).text


def test_no_email_unless_the_resident_asks_for_it(client, service, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(client, service)
    assert Case.objects.count() == 1
    assert mailoutbox == []


def test_asking_for_an_email_without_an_address_is_explained(client, service, mailoutbox):
    response = submit_report(client, service, email="", send_confirmation="on")
    assert response.status_code == 200
    assert "Vul uw e-mailadres in als u een bevestiging per e-mail wilt." in field_error(response.text, "email")
    assert not Case.objects.exists() and mailoutbox == []


def test_bad_input_is_explained_in_dutch_at_the_field_and_kept(client, service):
    response = submit_report(
        client, service, phone="12", email="anna@", neighbour_postcode="12345", name="", description=""
    )
    assert response.status_code == 200
    html = response.text
    assert field_error(html, "phone").startswith("Fout: Vul een geldig telefoonnummer in")
    assert field_error(html, "email") == "Fout: Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."
    assert field_error(html, "neighbour_postcode") == "Fout: Vul een geldige postcode in, bijvoorbeeld 1234 AB."
    assert field_error(html, "name") == "Fout: Vul uw naam in."
    assert field_error(html, "description") == "Fout: Vertel kort wat er aan de hand is."
    # The error summary at the top links to each field.
    summary = html[html.index('class="alert alert-danger error-summary"') : html.index("</ul>")]
    for field in ("name", "phone", "email", "neighbour_postcode", "description"):
        assert f'href="#id_{field}"' in summary
    assert 'aria-invalid="true"' in html
    # What the resident typed is still there.
    assert 'value="Lindelaan"' in html and 'value="Beukenlaan"' in html and 'value="anna@"' in html
    assert 'value="Doordeweeks na 17.00 uur"' in html
    assert re.search(rf'value="{conflict_type(service).pk}"[^>]*checked', html)
    assert "Een briefje in de bus gedaan." in html
    assert_accessible(html)
    assert not Case.objects.exists() and not Party.objects.exists()


def test_a_phone_number_or_an_email_address_is_needed(client, service):
    response = submit_report(client, service, phone="", email="", preferred_contact="")
    assert "Vul een telefoonnummer of een e-mailadres in" in field_error(response.text, "phone")
    assert not Case.objects.exists()
    submit_report(client, service, phone="", preferred_contact="email")
    assert Case.objects.get().parties.get(side=Side.A).phone == ""


def test_consent_is_required(client, service):
    response = submit_report(client, service, consent=None)
    assert response.status_code == 200
    html = response.text
    assert "Geef toestemming." in field_error(html, "consent")
    assert 'href="#id_consent"' in html
    assert not Case.objects.exists() and not Party.objects.exists()


def test_conflict_types_of_another_service_are_refused(client, service, other_service):
    response = submit_report(client, service, conflict_types=[str(conflict_type(other_service).pk)])
    assert field_error(response.text, "conflict_types") == "Fout: Kies een onderwerp uit de lijst."
    assert 'href="#id_conflict_types_0"' in response.text and 'id="id_conflict_types_0"' in response.text
    assert not Case.objects.exists()


def test_sending_twice_stores_one_report(client, service):
    to_report_step(client)
    html = client.get(REPORT).text
    state = re.search(r'name="state" value="([^"]+)"', html).group(1)
    data = {**report_data(service), "state": state}
    assert client.post(REPORT, data)["Location"] == DONE
    assert client.post(REPORT, data)["Location"] == DONE
    assert Case.objects.count() == 1


def test_a_slow_writer_does_not_lose_the_report_when_the_session_ends(client, service):
    to_report_step(client)
    state = re.search(r'name="state" value="([^"]+)"', client.get(REPORT).text).group(1)
    client.cookies.pop(django_settings.SESSION_COOKIE_NAME)  # the idle timeout passed
    response = client.post(REPORT, {**report_data(service), "state": state})
    assert response["Location"] == DONE
    assert Case.objects.get().reference in client.get(DONE).text


def test_a_tampered_state_is_ignored(client, service, other_service):
    to_report_step(client)
    response = client.post(REPORT, {**report_data(service), "state": "eyJzZXJ2aWNlX2lkIjogMn0:forged"})
    assert response["Location"] == DONE
    assert Case.objects.get().service == service


# --- Abuse protection -------------------------------------------------------------------


def test_the_honeypot_looks_like_success_but_stores_nothing(
    client, service, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_report(client, service, website="https://spam.example", send_confirmation="on")
    assert response["Location"] == DONE
    html = client.get(DONE).text
    assert "Uw melding is verstuurd" in html
    assert not Case.objects.exists() and not Party.objects.exists()
    assert mailoutbox == []


def test_the_honeypot_is_hidden_from_people(client, service):
    to_report_step(client)
    html = client.get(REPORT).text
    match = re.search(r'<div class="visually-hidden" aria-hidden="true">\s*<label for="id_website">', html)
    assert match
    assert re.search(r'<input type="text" name="website"[^>]*tabindex="-1"', html)


def test_more_than_five_reports_an_hour_from_one_address_get_a_dutch_429(client, service, settings):
    for _ in range(settings.SELFREPORT_REPORTS_PER_HOUR):
        assert submit_report(client, service)["Location"] == DONE
    assert Case.objects.count() == 5
    response = submit_report(client, service)
    assert response.status_code == 429
    assert "Probeer het later opnieuw" in response.text
    assert response["Retry-After"].isdigit()
    assert_accessible(response.text)
    assert Case.objects.count() == 5
    # Someone else, at another address, can still report.
    neighbour = Client(REMOTE_ADDR="192.0.2.7")
    assert submit_report(neighbour, service)["Location"] == DONE
    assert Case.objects.count() == 6


def test_too_many_posts_from_one_address_get_a_429(client, db, settings):
    for _ in range(settings.SELFREPORT_POSTS_PER_HOUR):
        assert client.post(START, {}).status_code == 200
    response = client.post(START, CHECK_OK)
    assert response.status_code == 429
    assert "Probeer het later opnieuw" in response.text
    # Reading the pages is not limited.
    assert client.get(START).status_code == 200


def test_the_csrf_check_stays_on(service):
    client = Client(enforce_csrf_checks=True)
    client.get(START)
    assert client.post(START, CHECK_OK).status_code == 403


def test_every_field_has_a_maximum_length():
    for form_class in (selfreport_forms.SelfCheckForm, selfreport_forms.PostcodeForm, selfreport_forms.ReportForm):
        for name, field in form_class.base_fields.items():
            if hasattr(field, "max_length"):
                assert field.max_length, f"{form_class.__name__}.{name}"


def test_an_overlong_text_is_refused_at_the_field(client, service):
    response = submit_report(client, service, description="x" * 3001, name="n" * 201)
    assert field_error(response.text, "description") == "Fout: Gebruik maximaal 3000 tekens. Nu zijn het er 3001."
    assert field_error(response.text, "name") == "Fout: Gebruik maximaal 200 tekens. Nu zijn het er 201."
    # Cut off silently by the browser would be worse: the long text is still there to shorten.
    assert "x" * 3001 in response.text
    assert not Case.objects.exists()


# --- Fuzzing: nothing a visitor types may break the page or half-store a report ----------

ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn", "So"]), max_size=20),
    st.sampled_from(["\x00", "a\x00b", "\x1b[31m", "\u202e1234", "ﷺ" * 50, "𝕏" * 300, "٧٥١١ AB", "²²²² AB"]),
    st.text(min_size=3001, max_size=3100),
    st.integers().map(str),
)
FUZZ = hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_whole_or_nothing(before_cases, before_parties):
    cases, parties = Case.objects.count(), Party.objects.count()
    assert cases - before_cases in (0, 1)
    assert parties - before_parties == 2 * (cases - before_cases)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["talked", "violence", "legal", "extra"]), ODD_TEXT))
@pytest.mark.django_db
def test_fuzz_the_self_check(data):
    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database
    response = Client().post(START, data)
    assert response.status_code in (200, 302)


@FUZZ
@given(value=ODD_TEXT)
def test_fuzz_the_postcode(service, value):
    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database
    client = Client()
    client.post(START, CHECK_OK)
    response = client.post(POSTCODE, {"postcode": value})
    assert response.status_code in (200, 302)
    assert not Case.objects.exists()


REPORT_FIELDS = [*selfreport_forms.ReportForm.base_fields, "website", "state"]


@FUZZ
@given(data=st.dictionaries(st.sampled_from(REPORT_FIELDS), st.one_of(ODD_TEXT, st.lists(ODD_TEXT, max_size=3))))
def test_fuzz_the_report_with_anything(service, data):
    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database
    client = Client()
    to_report_step(client)
    before = Case.objects.count(), Party.objects.count()
    response = client.post(REPORT, data)
    assert response.status_code in (200, 302, 429)
    assert_whole_or_nothing(*before)


@FUZZ
@given(field=st.sampled_from(REPORT_FIELDS), value=ODD_TEXT)
def test_fuzz_one_field_of_a_good_report(service, field, value):
    cache.clear()
    RateCounter.objects.all().delete()  # the rate limit counts in the database
    client = Client()
    to_report_step(client)
    before = Case.objects.count(), Party.objects.count()
    response = client.post(REPORT, {**report_data(service), field: value})
    assert response.status_code in (200, 302, 429)
    assert_whole_or_nothing(*before)
    event(f"stored: {Case.objects.count() > before[0]}")
    if Case.objects.count() > before[0] and field not in ("website", "state"):
        # Whatever got through is stored as typed, without control characters.
        case = Case.objects.order_by("-id").first()
        for party in case.parties.all():
            assert "\x00" not in party.name + party.street + party.house_number + party.city
