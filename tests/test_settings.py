# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import os
import shutil
import socket
import tempfile

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.l10n_ch_tilbago.tilbago import client as tilbago_client

from odoo.addons.l10n_ch_tilbago.models.res_company import (
    TILBAGO_SANDBOX_URL,
)
from odoo.addons.l10n_ch_tilbago.tilbago.sandbox import Sandbox

GOOD_KEY = "t3-good-key-4f1c9a"
BAD_KEY = "t3-wrong-key-77ab0e"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestTilbagoSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.tmp = tempfile.mkdtemp(prefix="t3_tilbago_")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)

    def settings(self, **vals):
        return self.env["res.config.settings"].create(vals)

    def assertSettingRefused(self, vals, label):
        """Saving ``vals`` in the settings is refused naming ``label``; nothing is saved."""
        fnames = [f for f in vals] + ["tilbago_attach_invoice"]
        before = self.company.read(fnames)[0]
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            # a valid change travels with the wrong one: it must not be saved either
            self.settings(tilbago_attach_invoice=not before["tilbago_attach_invoice"],
                          **vals).execute()
            self.env.flush_all()
        self.assertIn(label, str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.read(fnames)[0], before)
        return str(caught.exception)

    # -- values are saved per company -------------------------------------------------------

    def test_settings_saved_on_company(self):
        path = os.path.join(self.tmp, "cases", "new")
        user = self.env.ref("base.user_admin")
        self.settings(
            tilbago_environment="production",
            tilbago_storage_path=path,
            tilbago_litigation_delay=25,
            tilbago_interest_rate=4.25,
            tilbago_collocation_class="3",
            tilbago_responsible_user_id=user.id,
            tilbago_attach_invoice=False,
            tilbago_api_key="k-123",
        ).execute()
        company = self.company
        self.assertEqual(company.tilbago_environment, "production")
        self.assertEqual(company._tilbago_url(), tilbago_client.PRODUCTION_URL)
        self.assertTrue(os.path.isdir(path), "the folder is created when saved")
        self.assertEqual(company.tilbago_litigation_delay, 25)
        self.assertEqual(company.tilbago_interest_rate, 4.25)
        self.assertEqual(company.tilbago_responsible_user_id, user)
        self.assertFalse(company.tilbago_attach_invoice)
        self.assertEqual(company.tilbago_api_key, "k-123")

    def test_defaults(self):
        company = self.env["res.company"].create({"name": "Fresh AG"})
        self.assertEqual(company.tilbago_environment, "sandbox")
        self.assertEqual(company._tilbago_url(), TILBAGO_SANDBOX_URL)
        self.assertEqual(company.tilbago_litigation_delay, 15)
        self.assertEqual(company.tilbago_interest_rate, 5.0)
        self.assertEqual(company.tilbago_collocation_class, "3")
        self.assertTrue(company.tilbago_attach_invoice)

    def test_effective_url(self):
        settings = self.settings(tilbago_environment="sandbox")
        self.assertEqual(settings.tilbago_effective_url, TILBAGO_SANDBOX_URL)
        settings.tilbago_environment = "production"
        self.assertEqual(settings.tilbago_effective_url, tilbago_client.PRODUCTION_URL)
        settings.tilbago_base_url = "https://test.tilbago.example/v1/"
        self.assertEqual(settings.tilbago_effective_url, "https://test.tilbago.example/v1/")

    # -- wrong values -----------------------------------------------------------------------

    def test_storage_path_relative(self):
        message = self.assertSettingRefused({"tilbago_storage_path": "cases"},
                                            "Case Files Folder")
        self.assertIn("absolute", message)

    def test_storage_path_is_a_file(self):
        path = os.path.join(self.tmp, "a-file")
        with open(path, "w") as handle:
            handle.write("x")
        message = self.assertSettingRefused({"tilbago_storage_path": path},
                                            "Case Files Folder")
        self.assertIn("not a folder", message)

    def test_storage_path_not_writable(self):
        # a folder under a file cannot be created, even by root (os.access would say yes)
        blocker = os.path.join(self.tmp, "blocker")
        with open(blocker, "w") as handle:
            handle.write("x")
        message = self.assertSettingRefused(
            {"tilbago_storage_path": os.path.join(blocker, "cases")}, "Case Files Folder")
        self.assertIn("cannot be created or written", message)
        # /proc refuses new files even to root: refused before trying, a system folder
        for path in ("/proc", "/proc/t3-tilbago-cases"):
            message = self.assertSettingRefused({"tilbago_storage_path": path},
                                                "Case Files Folder")
            self.assertIn("lies in /proc, a folder of the system", message)

    def test_delays_out_of_range(self):
        # the delays and fees of the reminder levels: tests/test_reminder.py
        for value in (0, 400):
            with self.subTest(value=value):
                self.assertSettingRefused({"tilbago_litigation_delay": value},
                                          "Litigation After (days)")

    def test_interest_rate_out_of_range(self):
        self.assertSettingRefused({"tilbago_interest_rate": 120.0}, "Default Interest Rate (%)")
        self.assertSettingRefused({"tilbago_interest_rate": -1.0}, "Default Interest Rate (%)")

    def test_url_override_not_a_web_address(self):
        message = self.assertSettingRefused({"tilbago_base_url": "ftp://tilbago.example"},
                                            "tilbago URL Override")
        self.assertIn("https://", message)

    def test_responsible_without_email(self):
        user = new_test_user(self.env, login="t3_no_mail", groups="base.group_user")
        user.email = False
        message = self.assertSettingRefused({"tilbago_responsible_user_id": user.id},
                                            "Responsible Person")
        self.assertIn("e-mail", message)

    # -- test connection ----------------------------------------------------------------------

    def _capture_logs(self):
        """Everything this addon, requests and urllib3 log, down to DEBUG."""
        handler = _Capture()
        root = logging.getLogger()
        root.addHandler(handler)
        self.addCleanup(root.removeHandler, handler)
        for name in ("odoo.addons.l10n_ch_tilbago", "urllib3", "requests", "odoo.tests"):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)
        return handler

    def _sandbox(self):
        sandbox = Sandbox(port=0, api_key=GOOD_KEY).start()
        self.addCleanup(sandbox.stop)
        return sandbox

    def test_connection_ok_creates_nothing(self):
        sandbox = self._sandbox()
        logs = self._capture_logs()
        settings = self.settings(tilbago_base_url=sandbox.url, tilbago_api_key=GOOD_KEY)
        action = settings.action_tilbago_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("accepted", action["params"]["message"])
        self.assertEqual(sandbox.cases(), [])
        self.assertTrue(sandbox.requests)
        self.assertEqual({r["method"] for r in sandbox.requests}, {"GET"})
        self.assertFalse([line for line in logs.lines if GOOD_KEY in line])

    def test_typed_key_tested_without_being_stored(self):
        sandbox = self._sandbox()
        self.company.write({"tilbago_base_url": False, "tilbago_api_key": "saved-key"})
        # what the web client does on "Test connection" (noSaveDialog): create the
        # settings record with what is typed, call the button, no execute()
        settings = self.settings(tilbago_base_url=sandbox.url, tilbago_api_key=GOOD_KEY)
        action = settings.action_tilbago_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.company.invalidate_recordset()
        self.assertEqual(self.company.tilbago_api_key, "saved-key")  # not stored...
        self.assertFalse(self.company.tilbago_base_url)
        settings.execute()  # ...until Save
        self.assertEqual(self.company.tilbago_api_key, GOOD_KEY)
        self.assertEqual(self.company.tilbago_base_url, sandbox.url)
        # the settings page shows what is saved
        self.assertEqual(self.settings().tilbago_api_key, GOOD_KEY)
        # no record (a call without ids): the saved settings are tested, no singleton error
        action = self.env["res.config.settings"].action_tilbago_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        view = self.env.ref("l10n_ch_tilbago.res_config_settings_view_form").arch_db
        self.assertIn('noSaveDialog="true"', view)
        # short labels that do not wrap beside their fields
        labels = self.env["res.config.settings"].fields_get(
            ["tilbago_environment", "tilbago_base_url", "tilbago_api_key"], ["string"]
        )
        self.assertEqual(
            [labels[f]["string"] for f in ("tilbago_environment", "tilbago_base_url",
                                           "tilbago_api_key")],
            ["Environment", "URL Override", "API Key"],
        )

    def test_connection_bad_key(self):
        sandbox = self._sandbox()
        logs = self._capture_logs()
        settings = self.settings(tilbago_base_url=sandbox.url, tilbago_api_key=BAD_KEY)
        with self.assertRaises(UserError) as caught:
            settings.action_tilbago_test_connection()
        message = str(caught.exception)
        self.assertIn("401", message)
        self.assertIn("tilbago API Key", message)
        self.assertNotIn("cannot be reached", message)
        self.assertNotIn(BAD_KEY, message)
        self.assertFalse([line for line in logs.lines if BAD_KEY in line])
        self.assertEqual(sandbox.cases(), [])

    def test_connection_unreachable(self):
        # a loopback port nobody listens on
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        logs = self._capture_logs()
        settings = self.settings(tilbago_base_url="http://127.0.0.1:%d/v1/" % port,
                                 tilbago_api_key=GOOD_KEY)
        with self.assertRaises(UserError) as caught:
            settings.action_tilbago_test_connection()
        message = str(caught.exception)
        self.assertIn("cannot be reached", message)
        self.assertIn("127.0.0.1:%d" % port, message)
        self.assertNotRegex(message, r"\b401\b")  # the port may hold the digits 401
        self.assertNotIn(GOOD_KEY, message)
        self.assertFalse([line for line in logs.lines if GOOD_KEY in line])

    def test_connection_server_error(self):
        sandbox = self._sandbox()
        sandbox.fail_next(status=500, count=5)
        settings = self.settings(tilbago_base_url=sandbox.url, tilbago_api_key=GOOD_KEY)
        with self.assertRaises(UserError) as caught:
            settings.action_tilbago_test_connection()
        self.assertIn("server error (HTTP 500)", str(caught.exception))

    def test_connection_without_key(self):
        settings = self.settings(tilbago_api_key=False)
        with self.assertRaises(UserError) as caught:
            settings.action_tilbago_test_connection()
        self.assertIn("tilbago API Key", str(caught.exception))

    def test_company_client_uses_saved_settings(self):
        sandbox = self._sandbox()
        self.company.write({"tilbago_base_url": sandbox.url, "tilbago_api_key": GOOD_KEY})
        with self.company._tilbago_client(timeout=15) as client:
            self.assertTrue(client.check_connection())
            self.assertNotIn(GOOD_KEY, repr(client))
        self.company.tilbago_api_key = False
        with self.assertRaises(UserError) as caught:
            self.company._tilbago_client()
        self.assertIn("tilbago API Key", str(caught.exception))


@tagged("post_install", "-at_install")
class TestTilbagoSettingsPath(TransactionCase):
    def test_menu_opens_the_tilbago_block_and_messages_name_it(self):
        menu = self.env.ref("l10n_ch_tilbago.menu_tilbago_config_settings")
        # Odoo 18 opens a settings block by its anchor: the Invoicing tab, scrolled to it
        self.assertEqual(menu.action._name, "ir.actions.act_url")
        self.assertEqual(menu.action.url, "/odoo/settings#tilbago_connection")
        arch = self.env["res.config.settings"].get_view(
            self.env.ref("account.res_config_settings_view_form").id
        )["arch"]
        self.assertIn('id="tilbago_connection"', arch)
        # every message names this one path
        path = self.env["res.company"]._tilbago_settings_path()
        self.assertEqual(path, "Invoicing > Configuration > Debt Collection > Settings")
        company = self.env.company
        company.sudo().tilbago_api_key = False
        with self.assertRaises(UserError) as caught:
            company._tilbago_client()
        self.assertIn(path, str(caught.exception))
