"""The services: and video: sections: what a technician writes, and the errors they get
(file:line:col, what was expected, a did-you-mean)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hub.config import ConfigError, load_config
from hub.config.model import ContactRole

BASE = """\
home: {name: Wohnung Berger}
residents: {erika: {name: Erika, formal_name: Frau Berger, address: Musterstr. 1}}
contacts:
  tochter: {name: Petra, role: family, phone: "+4917612345678"}
sms: {account_sid: AC123, auth_token: !secret token, sender: "+4915712345678"}
"""


def write(tmp_path: Path, extra: str, base: str = BASE) -> Path:
    (tmp_path / "secrets.yaml").write_text("token: x\n")
    path = tmp_path / "obhut.yaml"
    text = base + textwrap.dedent(extra) + f"storage: {{data_dir: {tmp_path / 'data'}}}\n"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.format()


def test_a_readable_section_loads_and_inline_providers_become_contacts(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """\
            web: {public_url: "https://obhut.example.org"}
            email: {host: smtp.example.org, sender: obhut@example.org}
            services:
              essen:
                kind: meal
                name: Essen auf Rädern
                provider: {name: Menüdienst Schmidt, phone: "+49 203 555 123", language: en}
                menu: ["Menü 1: Gulasch", "Menü 2: Gemüseauflauf"]
              begleitung:
                kind: escort
                destinations: [arzt, friseur, Augenarzt Dr. Kim]
                provider: {contact: tochter}
              post: {kind: shopping, provider: {name: Post, email: post@example.org}}
              familie_anrufen: {kind: call, contact: tochter}
            video:
              remind_before: 20m
              calls:
                hausarzt:
                  name: Dr. Weber
                  kind: doctor
                  url: "https://meet.jit.si/praxis-weber"
                  appointments: [{at: "2026-12-02 10:00"}]
                familie: {name: Petra, url: "https://meet.jit.si/familie"}
            """,
        )
    )
    provider = config.contacts["provider_essen"]
    assert (provider.name, provider.phone, provider.role) == (
        "Menüdienst Schmidt",
        "+49203555123",
        ContactRole.SERVICE,
    )
    assert provider.language is not None and provider.language.value == "en"
    assert config.services["begleitung"].destinations == ("arzt", "friseur", "Augenarzt Dr. Kim")
    assert [t.strftime("%H:%M") for t in config.services["begleitung"].slots] == [
        "09:00",
        "11:00",
        "14:00",
    ]
    assert config.video.origins() == ["https://meet.jit.si"]  # once, for both calls
    assert config.residents["erika"].formal_name == "Frau Berger"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "services:\n  b: {kind: escort, contact: tocher, destinations: [arzt]}\n",
            [
                "obhut.yaml:7:30: error: unknown contact 'tocher'",
                "  expected: one of tochter",
                "  hint: did you mean 'tochter'?",
            ],
        ),
        (
            "services:\n  b: {kind: escort, contact: tochter, destinations: [arzt, frisuer]}\n",
            [
                "obhut.yaml:7:60: error: unknown place 'frisuer'",
                "  hint: did you mean 'friseur'?",
            ],
        ),
        (
            'video: {calls: {arzt: {name: Dr. Weber, url: "http://meet.jit.si/x"}}}\n',
            [
                "error: 'http://meet.jit.si/x' is not an https address",
                "  hint: camera and microphone work only on https pages",
            ],
        ),
        (
            'video: {calls: {arzt: {name: W, url: "https://a.org",'
            " appointments: [{at: 2.12.}]}}}\n",
            ["error: '2.12.' is not a date and time", '"YYYY-MM-DD HH:MM"'],
        ),
        (
            "services:\n  e: {kind: meal, contact: tochter}\n",
            ["error: a meal service needs a menu or an order text"],
        ),
        (
            "services:\n  e: {kind: shopping, contact: tochter, menu: [Brot]}\n",
            ["error: 'menu' does not belong to a shopping service", "expected: for shopping"],
        ),
        (
            "services:\n  e: {kind: call}\n",
            ["error: say who receives this service's requests, once"],
        ),
        (
            'services:\n  e: {kind: call, provider: {contact: tochter, phone: "+4917600000000"}}\n',
            ["error: a provider is either a contact or a name with a phone or e-mail, not both"],
        ),
        (
            "services:\n  e: {kind: call, provider: {name: Nachbar}}\n",
            ["error: Nachbar cannot be reached", "expected: a phone, an email, or both"],
        ),
        (
            "email: {host: smtp.example.org, sender: obhut@example.org}\n"
            "services:\n  e: {kind: call, provider: {name: Post, email: post@example.org}}\n",
            [
                "error: this provider is reached by e-mail only, and replies to e-mails are not"
                " read",
                "web: {public_url: https://…}",
            ],
        ),
        (
            "services:\n  Essen: {kind: call, contact: tochter}\n",
            ["error: 'Essen' cannot be used as an id", "hint: write 'essen'"],
        ),
        (
            "services:\n  e: {kind: taxi, contact: tochter}\n",
            ["error: 'taxi' is not a valid kind", "expected: one of call, escort, meal, shopping"],
        ),
        (
            'web: {public_url: "obhut.example.org"}\n',
            ["error: 'obhut.example.org' is not an https address"],
        ),
    ],
)
def test_mistakes_are_named_where_they_are(tmp_path: Path, extra: str, expected: list[str]) -> None:
    text = problems(write(tmp_path, extra))
    for line in expected:
        assert line in text, text


def test_a_provider_only_sms_reaches_needs_the_sms_section(tmp_path: Path) -> None:
    base = BASE.replace(
        'sms: {account_sid: AC123, auth_token: !secret token, sender: "+4915712345678"}\n', ""
    )
    text = problems(write(tmp_path, "services:\n  e: {kind: call, contact: tochter}\n", base=base))
    assert "obhut.yaml:6:28: error: no configured channel reaches this provider" in text
    assert "expected: an sms: section" in text


def test_an_inline_provider_may_not_take_a_contacts_id(tmp_path: Path) -> None:
    base = BASE.replace(
        "contacts:\n", 'contacts:\n  provider_e: {name: X, role: family, phone: "+4917600000001"}\n'
    )
    text = problems(
        write(
            tmp_path,
            'services:\n  e: {kind: call, provider: {name: P, phone: "+4917600000002"}}\n',
            base,
        )
    )
    assert "the contact 'provider_e' has the id of service e's provider" in text
