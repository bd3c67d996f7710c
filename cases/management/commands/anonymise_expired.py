"""Replace personal data of ended cases whose retention period has passed.

Dry run by default: it only reports how many cases each service would anonymise.
With --apply it acts. Every run (dry or not) is recorded in the access log.
Schedule it daily (see docs/deployment.md).
"""

from django.core.management.base import BaseCommand

from cases.privacy import anonymise_expired


class Command(BaseCommand):
    help = "Anonymise ended cases past their service's retention period (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Really anonymise (default: dry run).")

    def handle(self, *args, **options):
        apply = options["apply"]
        result = anonymise_expired(apply=apply)
        total = 0
        for service, count in result.items():
            total += count
            verb = "anonymised" if apply else "would anonymise"
            self.stdout.write(f"{service.name}: {verb} {count} case(s) (retention {service.retention_months} months)")
        if not apply:
            self.stdout.write(self.style.WARNING(f"Dry run: {total} case(s) left unchanged. Use --apply to act."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Anonymised {total} case(s)."))
