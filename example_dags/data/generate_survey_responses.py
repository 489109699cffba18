"""Regenerate ``survey_responses.csv``: a realistic survey export with completes, partials, screen-outs, failed
quality checks and duplicate respondents (seeded, so the file is reproducible).

    python example_dags/data/generate_survey_responses.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Tim",
    "Radia",
    "Edsger",
    "Hedy",
    "John",
    "Joan",
    "Donald",
    "Sophie",
    "Guido",
    "Anita",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Berners-Lee",
    "Perlman",
    "Dijkstra",
    "Lamarr",
    "Backus",
    "Clarke",
    "Knuth",
    "Wilson",
    "Rossum",
    "Borg",
]
COUNTRIES = ["US", "US", "US", "CA", "GB", "DE"]


def main(rows: int = 240, seed: int = 42) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)
    out = Path(__file__).with_name("survey_responses.csv")
    respondents: list[tuple[str, str, str]] = []
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "response_id",
                "survey_id",
                "respondent_id",
                "name",
                "email",
                "country",
                "status",
                "qa_passed",
                "completed_at",
                "reward_amount",
                "currency",
            ]
        )
        for index in range(rows):
            if respondents and rng.random() < 0.08:  # the same respondent answering twice
                respondent_id, name, email = rng.choice(respondents)
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                respondent_id = f"R{100000 + index:06d}"
                name = f"{first} {last}"
                email = f"{first}.{last}.{index}@example.com".lower().replace("-", "")
                respondents.append((respondent_id, name, email))
            status = rng.choices(["complete", "partial", "screened_out"], weights=[70, 18, 12])[0]
            qa_passed = status == "complete" and rng.random() > 0.07
            completed = start + dt.timedelta(minutes=7 * index + rng.randint(0, 6))
            writer.writerow(
                [
                    f"resp-{index:05d}",
                    "brand-tracker-2026-11",
                    respondent_id,
                    name,
                    email,
                    rng.choice(COUNTRIES),
                    status,
                    str(qa_passed).lower(),
                    completed.isoformat() if status == "complete" else "",
                    "10.00" if status == "complete" else "0.00",
                    "USD",
                ]
            )


if __name__ == "__main__":
    main()
