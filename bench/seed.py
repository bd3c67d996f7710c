"""Seed realistic benchmark data in bulk on PostgreSQL (set-based SQL, minutes not hours).

SCALE=full: 1,000,000 cases over 100 services, the largest with 100,000; SCALE=small: 1%.
As in services that have worked for years: the newest 5% of each service's cases are open
(reported in the last 120 days, spread over the open statuses), the rest closed (80%) or
found unsuitable (20%).
Per case, in proportion: 2.3 parties, about 4 timeline events, 1.2 conversations for cases
that reached mediation, a mediator pair for cases in or past mediation, referrals for a
third of the largest service's referred cases. Reproducible: no randomness but modular
arithmetic on the row number.

Run through bench/run.sh (which sets DATABASE_URL and the environment).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtbemiddeling.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from buurtbemiddeling.constants import ROLE_GROUP_NAMES, Role  # noqa: E402
from buurtbemiddeling.models import MediationService, Neighbourhood, PostcodeRange, User  # noqa: E402
from cases.models import Case, MediatorProfile  # noqa: E402
from cases.services import service_setup_reference_lists  # noqa: E402
from organisations.constants import OrganisationKind  # noqa: E402
from organisations.models import PartnerOrganisation  # noqa: E402

SCALES = {"full": (100, 100_000, 1_000_000), "small": (10, 1_000, 10_000), "tiny": (3, 300, 1_000)}
PASSWORD = "bench-wachtwoord-2026"  # noqa: S105 - a throwaway benchmark database


def log(message):
    print(f"[seed {time.strftime('%H:%M:%S')}] {message}", flush=True)


def create_services(count: int):
    services = []
    groups = {role: Group.objects.get(name=name) for role, name in ROLE_GROUP_NAMES.items()}
    for index in range(count):
        service = MediationService.objects.create(name=f"Bench Buurtbemiddeling {index:03d}", reference_prefix="BB")
        service_setup_reference_lists(service=service)
        PostcodeRange.objects.create(service=service, start=1000 + index * 80, end=1000 + index * 80 + 79)
        Neighbourhood.objects.bulk_create(Neighbourhood(service=service, name=f"Wijk {n}") for n in range(12))
        PartnerOrganisation.objects.bulk_create(
            PartnerOrganisation(service=service, name=f"{kind.label} {index}", kind=kind.value)
            for kind in OrganisationKind
        )
        coordinator = User.objects.create_user(f"coordinator{index}", password=PASSWORD, service=service)
        coordinator.groups.add(groups[Role.COORDINATOR])
        for m in range(25):
            user = None
            if m == 0:
                user = User.objects.create_user(f"mediator{index}", password=PASSWORD, service=service)
                user.groups.add(groups[Role.MEDIATOR])
            MediatorProfile.objects.create(service=service, user=user, name=f"Bemiddelaar {index}-{m}", max_cases=5)
        corporation = PartnerOrganisation.objects.get(service=service, kind=OrganisationKind.HOUSING_CORPORATION)
        referrer = User.objects.create_user(
            f"referrer{index}", password=PASSWORD, service=service, partner_organisation=corporation
        )
        referrer.groups.add(groups[Role.REFERRER])
        services.append(service)
    return services


CASES_SQL = """
WITH plan AS (
    SELECT s.id AS service_id, s.rank, s.cases
    FROM unnest(%(service_ids)s::bigint[], %(case_counts)s::int[]) WITH ORDINALITY AS s(id, cases, rank)
), rows AS (
    SELECT p.service_id, g AS n, p.rank, g * 20 > p.cases * 19 AS recent
    FROM plan p, generate_series(1, p.cases) AS g
)
INSERT INTO cases_case (
    created_at, updated_at, service_id, reference, year, sequence, status, channel, reported_on,
    description, tried_already, is_complex, is_urgent, first_contact_at, suitability_decided_at,
    is_suitable, unsuitability_advice, standby_review_on, follow_up_due_on, closed_at,
    neighbourhood_id, coordinator_id, outcome_id, unsuitability_reason_id, referrer_organisation_id
)
SELECT
    now(), now(), r.service_id,
    'BB-' || (2021 + r.n %% 6) || '-' || lpad((r.n / 6 + 1)::text, 5, '0'),
    2021 + r.n %% 6, r.n / 6 + 1,
    st.status,
    ch.channel,
    d.reported_on,
    'Overlast tussen buren (benchmark).', '', r.n %% 5 = 0, r.n %% 10 = 0,
    CASE WHEN st.status <> 'registered' THEN LEAST(now(), d.reported_on + (1 + r.n %% 10) * interval '1 day') END,
    CASE WHEN st.status IN ('suitable', 'in_mediation', 'follow_up', 'closed', 'unsuitable')
        THEN LEAST(now(), d.reported_on + (5 + r.n %% 20) * interval '1 day') END,
    CASE WHEN st.status IN ('suitable', 'in_mediation', 'follow_up', 'closed') THEN true WHEN st.status = 'unsuitable' THEN false END,
    '',
    CASE WHEN st.status = 'standby' THEN current_date + (r.n %% 60 - 20) END,
    CASE WHEN st.status IN ('in_mediation', 'follow_up') AND r.n %% 3 = 0 THEN current_date + (r.n %% 40 - 20) END,
    CASE WHEN st.status = 'closed' THEN d.reported_on + (30 + r.n %% 120) * interval '1 day'
        WHEN st.status = 'unsuitable' THEN d.reported_on + (5 + r.n %% 20) * interval '1 day' END,
    (SELECT id FROM buurtbemiddeling_neighbourhood nb WHERE nb.service_id = r.service_id ORDER BY id OFFSET r.n %% 12 LIMIT 1),
    (SELECT id FROM buurtbemiddeling_user u WHERE u.service_id = r.service_id AND u.username LIKE 'coordinator%%' LIMIT 1),
    CASE WHEN st.status = 'closed' THEN (SELECT id FROM cases_outcome o WHERE o.service_id = r.service_id ORDER BY id OFFSET r.n %% 11 LIMIT 1) END,
    CASE WHEN st.status = 'unsuitable' THEN (SELECT id FROM cases_unsuitabilityreason ur WHERE ur.service_id = r.service_id ORDER BY id OFFSET r.n %% 10 LIMIT 1) END,
    CASE WHEN ch.channel = 'referral' THEN (SELECT id FROM partners_partnerorganisation po WHERE po.service_id = r.service_id ORDER BY id OFFSET r.n %% 11 LIMIT 1) END
FROM rows r
CROSS JOIN LATERAL (SELECT CASE WHEN r.recent THEN current_date - r.n %% 120
    ELSE LEAST(make_date(2021 + r.n %% 6, 1 + r.n %% 12, 1 + r.n %% 28), current_date - 160) END AS reported_on) d
CROSS JOIN LATERAL (SELECT CASE
    WHEN r.recent THEN (ARRAY['registered','intake','intake','standby','suitable','in_mediation','in_mediation','follow_up'])[1 + r.n %% 8]
    ELSE (ARRAY['closed','closed','closed','closed','unsuitable'])[1 + r.n %% 5]
END AS status) st
CROSS JOIN LATERAL (SELECT (ARRAY['self_report','self_report','referral','phone','self_report','referral','desk','phone','self_report','referral'])[1 + r.n %% 10] AS channel) ch
-- In the order they were reported, all services mixed, as a shared database fills up: the
-- rows of one service are spread over the whole table, not stored side by side.
ORDER BY d.reported_on, r.service_id, r.n
"""

PARTIES_SQL = """
INSERT INTO cases_party (created_at, updated_at, case_id, side, is_reporter, name, street, house_number,
    postcode, city, phone, email, preferred_contact, contact_time_preference, interpreter_language, tenure,
    participation)
SELECT now(), now(), c.id, side.s, side.s = 'A',
    CASE WHEN side.s = 'A' OR c.id %% 2 = 0 THEN 'Bewoner ' || c.id || side.s || side.k ELSE '' END,
    'Benchmarkstraat ' || (c.id %% 400), ((c.id * 7 + side.k) %% 300 + 1)::text,
    (1000 + c.id %% 8999)::text || ' AB', 'Benchstad', '06' || lpad((c.id * 3 + side.k)::text, 8, '0'), '',
    '', '', '', (ARRAY['unknown','owner','tenant_corporation','tenant_private'])[1 + c.id %% 4], 'unknown'
FROM cases_case c
CROSS JOIN LATERAL (VALUES ('A', 0), ('B', 1), ('B', 2)) AS side(s, k)
WHERE side.k < 2 OR c.id %% 3 = 0
"""

EVENTS_SQL = """
INSERT INTO cases_caseevent (case_id, kind, actor_id, created_at, from_status, to_status, reason)
SELECT c.id, e.kind, c.coordinator_id, c.reported_on + (3 - e.k) * interval '4 days', e.from_s, e.to_s, ''
FROM cases_case c
CROSS JOIN LATERAL (VALUES
    (3, 'created', '', 'registered'),
    (2, 'status_changed', 'registered', 'intake'),
    (1, 'status_changed', 'intake', c.status),
    (0, 'note', '', '')
) AS e(k, kind, from_s, to_s)
WHERE e.k = 3 OR c.status <> 'registered'
"""

ASSIGNMENTS_SQL = """
INSERT INTO cases_assignment (created_at, updated_at, case_id, mediator_id, started_on, ended_on, end_reason)
SELECT now(), now(), c.id, m.id, c.reported_on + 14, NULL, ''
FROM cases_case c
CROSS JOIN LATERAL (
    SELECT id FROM cases_mediatorprofile mp WHERE mp.service_id = c.service_id
    ORDER BY id OFFSET (c.id %% 12) * 2 LIMIT 2
) m
WHERE c.status IN ('in_mediation', 'follow_up', 'closed')
"""

CONVERSATIONS_SQL = """
INSERT INTO cases_conversation (created_at, updated_at, case_id, service_id, kind, held_on, duration_minutes, care_worker,
    report, author_id)
SELECT now(), now(), c.id, c.service_id, k.kind, c.reported_on + k.d, 60, '', 'Verslag (benchmark).', c.coordinator_id
FROM cases_case c
CROSS JOIN LATERAL (VALUES ('intake_a', 20), ('joint', 40)) AS k(kind, d)
WHERE c.status IN ('in_mediation', 'follow_up', 'closed') AND (k.kind = 'intake_a' OR c.id %% 5 = 0)
"""

CONFLICT_TYPES_SQL = """
INSERT INTO cases_case_conflict_types (case_id, conflicttype_id)
SELECT c.id, (SELECT id FROM cases_conflicttype ct WHERE ct.service_id = c.service_id ORDER BY id OFFSET c.id %% 14 LIMIT 1)
FROM cases_case c
"""

# Partner collaborations: a consultation per 40 cases (organisation level, no case), a joint
# home visit for every 25th case, an accompaniment for every 30th case's first party and a
# pre-trajectory for every 50th case, spread over the service's partner organisations.
CONSULTATIONS_SQL = """
INSERT INTO partners_consultation (created_at, updated_at, service_id, organisation_id, held_on, coordinator_id,
    professional_name, topic, follow_up)
SELECT now(), now(), c.service_id, o.id, c.reported_on + 3, c.coordinator_id, 'Wijkagent (benchmark)',
    'Hoe bespreek ik bemiddeling?', ''
FROM cases_case c
CROSS JOIN LATERAL (
    SELECT id FROM partners_partnerorganisation po WHERE po.service_id = c.service_id ORDER BY id OFFSET c.id %% 5 LIMIT 1
) o
WHERE c.id %% 40 = 0
"""

JOINT_VISITS_SQL = """
INSERT INTO partners_jointvisit (created_at, updated_at, service_id, case_id, party_id, organisation_id, coordinator_id,
    professional_name, visited_on, outcome, notes)
SELECT now(), now(), c.service_id, c.id, NULL, o.id, c.coordinator_id, 'Consulent (benchmark)', c.reported_on + 7,
    (ARRAY['agrees', 'declines', 'later'])[1 + c.id %% 3], ''
FROM cases_case c
CROSS JOIN LATERAL (
    SELECT id FROM partners_partnerorganisation po WHERE po.service_id = c.service_id ORDER BY id OFFSET c.id %% 5 LIMIT 1
) o
WHERE c.id %% 25 = 0
"""

ACCOMPANIMENTS_SQL = """
INSERT INTO partners_accompaniment (created_at, updated_at, service_id, party_id, organisation_id, care_worker_name,
    started_on, ended_on)
SELECT now(), now(), c.service_id, p.id, o.id, 'Begeleider (benchmark)', c.reported_on + 5,
    CASE WHEN c.status = 'closed' THEN c.reported_on + 90 END
FROM cases_case c
JOIN LATERAL (SELECT id FROM cases_party pa WHERE pa.case_id = c.id ORDER BY id LIMIT 1) p ON true
CROSS JOIN LATERAL (
    SELECT id FROM partners_partnerorganisation po WHERE po.service_id = c.service_id ORDER BY id OFFSET c.id %% 5 LIMIT 1
) o
WHERE c.id %% 30 = 0
"""

PRE_TRAJECTORIES_SQL = """
INSERT INTO partners_pretrajectory (created_at, updated_at, service_id, case_id, party_id, lead_organisation_id,
    coordinator_id, started_on, review_on, notes, ended_on, end_reason)
SELECT now(), now(), c.service_id, c.id, NULL, o.id, c.coordinator_id, c.reported_on + 10, c.reported_on + 70, '',
    CASE WHEN c.status <> 'standby' THEN c.reported_on + 60 END,
    CASE WHEN c.status <> 'standby' THEN 'time_is_right' ELSE '' END
FROM cases_case c
CROSS JOIN LATERAL (
    SELECT id FROM partners_partnerorganisation po WHERE po.service_id = c.service_id ORDER BY id OFFSET c.id %% 5 LIMIT 1
) o
WHERE c.id %% 50 = 0
"""

REFERRALS_SQL = """
INSERT INTO referrals_referral (created_at, updated_at, service_id, case_id, referrer_id, organisation_id,
    own_reference, last_notified_milestone)
SELECT now() - (c.id %% 500) * interval '1 day', now(), c.service_id, c.id, u.id, u.partner_organisation_id,
    'REF-' || c.id, 'received'
FROM cases_case c
JOIN buurtbemiddeling_user u ON u.service_id = c.service_id AND u.username LIKE 'referrer%%'
WHERE c.channel = 'referral' AND c.id %% 3 = 0
"""


def main():
    scale = os.environ.get("SCALE", "small")
    service_count, largest, total = SCALES[scale]
    started = time.time()
    if MediationService.objects.filter(name__startswith="Bench Buurtbemiddeling").exists():
        log(f"already seeded: {Case.objects.count():,} cases; reusing them (remove BENCH_PG_DIR to reseed)")
        return
    log(f"scale={scale}: {total:,} cases over {service_count} services, the largest {largest:,}")
    with transaction.atomic():
        services = create_services(service_count)
    rest = (total - largest) // (service_count - 1)
    counts = [largest] + [rest] * (service_count - 1)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        for label, sql, params in [
            ("cases", CASES_SQL, {"service_ids": [s.pk for s in services], "case_counts": counts}),
            ("parties", PARTIES_SQL, None),
            ("timeline events", EVENTS_SQL, None),
            ("mediator pairs", ASSIGNMENTS_SQL, None),
            ("conversations", CONVERSATIONS_SQL, None),
            ("conflict types", CONFLICT_TYPES_SQL, None),
            ("referrals", REFERRALS_SQL, None),
            ("consultations", CONSULTATIONS_SQL, None),
            ("joint home visits", JOINT_VISITS_SQL, None),
            ("accompaniments", ACCOMPANIMENTS_SQL, None),
            ("pre-trajectories", PRE_TRAJECTORIES_SQL, None),
        ]:
            step = time.time()
            cursor.execute(sql, params or {})
            log(f"{label}: {cursor.rowcount:,} rows in {time.time() - step:.0f}s")
        cursor.execute("ANALYZE")
    log(f"done in {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
