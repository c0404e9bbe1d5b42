"""Release calendar entries through the JSON API."""

from tests.helpers.placement import as_user

CAL = "/++api++/calendar"


def entry_payload(**changes):
    data = {"@type": "ReleaseEntry",
            "title": {"kk": "Тұтыну бағаларының индексі, қараша 2026",
                      "ru": "Индекс потребительских цен, ноябрь 2026",
                      "en": "Consumer price index, November 2026"},
            "release_at": "2026-12-14T10:00:00+05:00", "status": "confirmed",
            "category": "latest_data", "section": "/official-statistics/economy/prices"}
    data.update(changes)
    return data


def add(client, expect=201, **changes):
    as_user(client, "dana")
    return client.post_json(CAL, entry_payload(**changes), status=expect)
