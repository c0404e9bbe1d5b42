"""The questions' tests run with mail to the test SMTP server and the EDMS address set."""

import pytest

from tests.helpers.smtp import mail_settings


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port, **{
        "statportal.questions.edms_address": "edms@gov.example.kz"})
