from . import res_company
from . import res_partner
from . import res_config_settings
from . import account_move
from . import res_partner_reminder
from . import tilbago_case
from . import tilbago_demo
